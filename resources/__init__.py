"""Installed as the package ``sync.bundled`` (see setup.py): forms, translations, icons, demo data.

Found at run time through ``sync.resources.resources_dir()`` (``importlib.resources``), in an editable
install, a wheel install and a PyInstaller bundle alike. No code lives here.
"""
