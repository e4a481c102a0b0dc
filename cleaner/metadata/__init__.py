"""What a page says about itself: title, author, date, site name, categories, language."""
