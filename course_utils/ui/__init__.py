"""ui: the sliders (`widgets`) and the lab, a thin layer over measure/ and plots/.
Needs ipywidgets (the extra `course_utils[lab]`).
"""
