"""Households: the people who share recipes (and, later, a meal plan and shopping lists),
their members and roles, and the invite links that bring accounts in."""
