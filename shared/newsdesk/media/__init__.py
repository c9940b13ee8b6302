"""Uploaded images: the upload an editor asks for, the renditions made from it, and what an article keeps
of a ready one. Pillow is loaded only by newsdesk.media.renditions (the renditions function)."""
