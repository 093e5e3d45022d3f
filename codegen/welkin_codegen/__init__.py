"""welkin_codegen: compiles JSON Schema and Welkin CDT definitions into attrs models."""
