"""Production: plans from year to shift, the converter-aisle scheduler (CP-SAT and the greedy
rule), heat and batch tracking with genealogy, and the dispatch board's service. No Qt."""
