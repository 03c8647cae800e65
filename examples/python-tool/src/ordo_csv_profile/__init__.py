"""A CSV profiler served as a plain Temporal activity (`csv_profile`) and registered as an Ordo tool."""
