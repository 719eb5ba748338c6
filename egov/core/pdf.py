"""PDF documents from templates with WeasyPrint, in fonts that cover Vietnamese (Noto, from fonts-noto-core)."""

from __future__ import annotations

from django.template.loader import render_to_string

# Decree 30/2020 asks for Times New Roman in official documents; Noto Serif has the same metrics class and
# full Vietnamese coverage, and ships with Debian. Reports and minutes use it; tables may use Noto Sans.
BASE_CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm;
        @bottom-right { content: counter(page) "/" counter(pages); font-size: 9pt; } }
@page landscape { size: A4 landscape; margin: 15mm 15mm 15mm 20mm; }
html { font-family: "Noto Serif", "Times New Roman", serif; font-size: 12pt; line-height: 1.35; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #000; padding: 2pt 4pt; vertical-align: top; font-size: 10.5pt; }
th { background: #eee; }
h1 { font-size: 14pt; text-align: center; text-transform: uppercase; margin: 6pt 0; }
h2 { font-size: 13pt; margin: 10pt 0 4pt; }
.num { text-align: right; }
.center { text-align: center; }
"""


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a Django template to HTML and that to PDF bytes (A4; templates may add their own CSS)."""
    from weasyprint import CSS, HTML

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=None).write_pdf(stylesheets=[CSS(string=BASE_CSS)])
