"""PAdES signatures on PDFs (pyHanko): the signer's, the organisation's seal, validation, the demo PKI."""
