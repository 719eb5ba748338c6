"""Online payment of dossier fees (thanh toán trực tuyến phí, lệ phí) through a gateway (docs/services-payments.md)."""
