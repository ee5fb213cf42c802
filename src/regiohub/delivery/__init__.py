"""Scheduled delivery of the partners' cooperation reports: outbox folders and e-mail, once per snapshot."""
