"""Board-ready output: plots, tables and labels in English and German."""
