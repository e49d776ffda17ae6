from . import sage50
