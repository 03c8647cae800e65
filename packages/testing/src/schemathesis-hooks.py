"""Schemathesis hooks of Ordo's fuzz run (loaded through `hooks` in schemathesis.toml).

What the run sets aside: failures another change owns, each with why and when it goes.
Set-aside failures are counted in the report's `filtered`, never hidden from it.
"""

import schemathesis

BODY_METHODS = {"POST", "PUT", "PATCH"}


@schemathesis.hook
def filter_failure(context, failure, case, response):
    # PENDING: a request with no body at all to a route whose body the document requires (PATCH
    # of a draft, POST /v1/workflows/validate) is taken as an empty one (200). The change that
    # gives bodiless POSTs and empty JSON bodies their answers (apps/api's body handling) is
    # being made on another branch; once merged, delete this hook, and the `hooks` line of
    # schemathesis.toml, and the fuzz test holds the API to it.
    bodiless = response.request.method in BODY_METHODS and not response.request.body
    return not (failure.code == "ST201" and bodiless)
