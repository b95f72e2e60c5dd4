"""Renderings of one assessment: text (rich), Markdown and JSON. They only read the document."""
