"""measure: the experiments behind notebooks 02-06. They compute and return numbers;
they never draw (their figures are in plots/) and import only the core and each other.
"""
