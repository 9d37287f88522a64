"""The initiatives' pages and actions, one module per section. Each action has its own
URL and a small view: access check → form → one service call → message → redirect (or
the page again with the form's errors, `page.answered`)."""
