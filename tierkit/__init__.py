"""Django code both tiers share (API pages, errors and schema, scopes by role, the sign-in URLs).

`smartcart/` stays free of Django (the agents import it); what both Django projects need lives
here instead of being written twice.
"""
