"""The chapters' analysis, one module per chapter, named after it; each reads validated tables."""
