"""Paper ballots: the printed layout (shared by the PDF printer and the scanner) and its rendering."""
