"""Render the seed forms as PDF fixtures: fixtures/pdf/longgang-2023-selfeval.pdf, a text-less scan.pdf, an encrypted.pdf.

Needs: `pip install -e '.[dev]'` (reportlab) and the Debian package fonts-wqy-zenhei
(`apt-get install -y fonts-wqy-zenhei`). Noto CJK (fonts-noto-cjk) has PostScript (CFF) outlines,
which reportlab cannot embed, so a TrueType CJK font is used.

Run: .venv/bin/python scripts/make_pdf_fixtures.py
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "longgang-2023-selfeval.txt"
OUT = ROOT / "fixtures" / "pdf"
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)
FONT = "CJK"  # the name src/ziping/synth/pdf.py registers the font under


def _need(what: str) -> None:
    sys.exit(f"{Path(sys.argv[0]).stem}: {what}")  # the script that was run: this one, or one using its font


def _font() -> Path:
    for path in FONT_CANDIDATES:
        if path.exists():
            return path
    _need("no TrueType CJK font found; install one: apt-get install -y fonts-wqy-zenhei")
    raise AssertionError  # unreachable: _need exits


def main() -> None:
    try:
        import reportlab  # noqa: F401
    except ImportError:
        _need("reportlab is missing; install the dev extra: .venv/bin/pip install -e '.[dev]'")

    from ziping.readers import read_path
    from ziping.synth.pdf import render  # the corpus generator's PDF layout: one layout, two users

    result = read_path(SEED)
    if result.problem is not None:
        _need(f"cannot read the seed {SEED}: {result.problem.reason_en}")
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / "longgang-2023-selfeval.pdf"
    target.write_bytes(render(result.forms, _font(), title="项目支出绩效自评表（龙岗 2023，种子表格的 PDF 版）"))
    print(f"wrote {target.relative_to(ROOT)}")
    _scan(target)
    _encrypted()


def _scan(text_pdf: Path) -> None:
    """scan.pdf: the first page of the text PDF as a picture only, like a scanned paper form."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    try:
        import pypdfium2
    except ImportError:
        _need("pypdfium2 is missing (it comes with pdfplumber): .venv/bin/pip install -e '.[dev]'")
    page = pypdfium2.PdfDocument(str(text_pdf))[0]
    image = page.render(scale=100 / 72).to_pil().convert("L")  # 100 dpi greyscale keeps the file small
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    target = OUT / "scan.pdf"
    c = canvas.Canvas(str(target), pagesize=A4, invariant=1)
    c.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    print(f"wrote {target.relative_to(ROOT)}")


def _encrypted() -> None:
    """encrypted.pdf: one line of the form behind a user password, which a reader must refuse clearly."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    target = OUT / "encrypted.pdf"
    c = canvas.Canvas(str(target), pagesize=A4, invariant=1, encrypt=StandardEncryption("secret", canPrint=0))
    c.setFont(FONT, 16)
    c.drawString(72, 760, "项目支出绩效自评表")
    c.showPage()
    c.save()
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
