"""Danh mục thủ tục hành chính: importing, publishing and showing procedure versions (docs/services-catalogue.md)."""
