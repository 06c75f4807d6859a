"""Exporters: fitted models from the Python environment where they were made, written as
textclf model directories (format v1, docs/model-format.md).

    textclf-export sklearn --pipeline pipeline.pkl --out model/
    python -m textclf.export sklearn --vectorizer v.pkl --classifier c.pkl --out model/

or, from Python, on fitted objects (no pickle needed):

    from textclf.export.sklearn import export_pipeline
    export_pipeline(pipe, "model/")

Only what textclf reproduces exactly is exported; anything else is refused (``Refuse``)
with a message naming the parameter. One module per source framework (``sklearn``);
inside it, one function per estimator family, looked up in a registry.
"""
from ._base import Refuse

__all__ = ["Refuse"]
