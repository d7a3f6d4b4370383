"""Exports for the doctor (PDF, CSV, JSON, FHIR) and private, expiring share links.

The renderers (summary, report_pdf, csv_export, fhir_export) and links.py are pure
Python; routes.py and api.py are the thin Flask layer over them.
"""
