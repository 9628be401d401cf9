"""The community market board: orders, questions, sealed bids and the award.

Service modules by subject: ``service`` (orders), ``questions``, ``bids``, ``award``;
``repository`` holds every query, starting from the *readable* statements.
"""
