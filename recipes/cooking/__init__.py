"""Cook mode: a recipe one step at a time, with the timers its steps name and the ingredients each uses."""
