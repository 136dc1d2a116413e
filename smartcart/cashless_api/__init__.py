"""The cashless NFC terminal API v4 (seed 003) on the wire: typed objects and error codes.

Shared by the on-prem connector and the emulator so the contract has one definition. No Django.
"""
