"""Persisted documents: APQ storage (`store`), trusted-document manifests (`manifest`) and
plan warming from them (`warm`). The pipeline stage is `router.pipeline.persisted`."""
