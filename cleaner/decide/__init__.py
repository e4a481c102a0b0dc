"""Decide: the rules' state machine (``state``: DOM markers, rules and their regions, the top of the
document), then, after the model, the steps that settle the article and the safety net (``safety``)."""
