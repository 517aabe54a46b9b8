"""Report builder: document folders (Markdown + YAML) to styled PDFs in a series' house style."""

__version__ = "0.1.0"
