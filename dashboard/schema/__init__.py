"""A benchmark's JSON Schema and a result's JSON: fields, paths, reading and checking."""
