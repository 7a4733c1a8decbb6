"""Home is "today": what each person has to do now, read from every app."""
