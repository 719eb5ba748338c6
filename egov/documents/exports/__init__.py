"""Exports of the documents module: the registers (PDF, Excel) and a hồ sơ (PDF, XML in a ZIP)."""
