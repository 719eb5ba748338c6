"""Người dùng dịch vụ công: registration, sign-in by email or phone, the profile and "Hồ sơ của tôi"."""
