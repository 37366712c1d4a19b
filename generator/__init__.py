"""congvan: monthly QĐ 766 service-index dispatches in the NĐ 30/2020 layout."""

__version__ = "0.1.0"
