"""The household's meal plan (the week view, its API's services) and its calendar feed."""
