"""Unit tests of the profiler (stdlib unittest: no test dependency). Run: python -m unittest discover -s tests."""

from __future__ import annotations

import unittest

from ordo_csv_profile.profiler import NotCsvError, decode, profile_text

SALES = """region,units,price,active,note
north,10,2.5,true,first
south,,3.5,false,NA
north,7,1.0,yes,
east,3,4,no,first
"""


class ProfileTest(unittest.TestCase):
    def test_counts_rows_and_columns_and_guesses_types(self) -> None:
        profile = profile_text(SALES)
        self.assertEqual(profile["row_count"], 4)
        self.assertEqual(profile["column_count"], 5)
        self.assertEqual(profile["delimiter"], ",")
        self.assertFalse(profile["truncated"])
        types = {c["name"]: c["type"] for c in profile["columns"]}
        self.assertEqual(types, {"region": "text", "units": "integer", "price": "number", "active": "boolean", "note": "text"})

    def test_numbers_have_min_max_mean_and_nulls_are_counted(self) -> None:
        units, price = profile_text(SALES)["columns"][1:3]
        self.assertEqual(units, {"name": "units", "type": "integer", "nulls": 1, "distinct": 3, "min": 3, "max": 10, "mean": 20 / 3})
        self.assertEqual((price["min"], price["max"], price["mean"]), (1.0, 4.0, 2.75))
        self.assertNotIn("top_values", price)

    def test_text_has_top_values_most_frequent_first(self) -> None:
        region, note = profile_text(SALES)["columns"][0], profile_text(SALES)["columns"][4]
        self.assertEqual(region["top_values"], [{"value": "north", "count": 2}, {"value": "south", "count": 1}, {"value": "east", "count": 1}])
        self.assertEqual(note["nulls"], 2)
        self.assertEqual(note["top_values"], [{"value": "first", "count": 2}])
        self.assertNotIn("mean", region)

    def test_other_delimiters_and_quoted_fields(self) -> None:
        profile = profile_text('name;city\n"Smith; J";"Paris"\nDoe;Lyon\n')
        self.assertEqual(profile["delimiter"], ";")
        self.assertEqual(profile["columns"][0]["top_values"][0], {"value": "Smith; J", "count": 1})

    def test_one_column_and_empty_column(self) -> None:
        self.assertEqual(profile_text("id\n1\n2\n")["columns"][0]["type"], "integer")
        self.assertEqual(profile_text("a,b\n1,\n2,\n")["columns"][1]["type"], "empty")

    def test_max_rows_truncates(self) -> None:
        profile = profile_text(SALES, max_rows=2)
        self.assertEqual(profile["row_count"], 2)
        self.assertTrue(profile["truncated"])

    def test_a_bom_and_crlf_are_read(self) -> None:
        profile = profile_text(decode("\ufeffa,b\r\n1,2\r\n".encode()))
        self.assertEqual([c["name"] for c in profile["columns"]], ["a", "b"])


class NotCsvTest(unittest.TestCase):
    def test_binary_is_refused(self) -> None:
        with self.assertRaisesRegex(NotCsvError, "NUL bytes"):
            decode(b"%PDF-1.4\n\x00\x01\x02")
        with self.assertRaisesRegex(NotCsvError, "not UTF-8"):
            decode(b"%PDF-1.4\n\xe2\xe3\xcf\xd3\n")

    def test_ragged_rows_are_refused_naming_the_row(self) -> None:
        with self.assertRaisesRegex(NotCsvError, "row 3 has 3 fields where the header has 2"):
            profile_text("a,b\n1,2\n1,2,3\n")

    def test_empty_is_refused(self) -> None:
        with self.assertRaisesRegex(NotCsvError, "empty"):
            profile_text("\n\n")


if __name__ == "__main__":
    unittest.main()
