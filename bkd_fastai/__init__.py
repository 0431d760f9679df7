__version__ = "0.0.1"

import warnings as _w
_w.filterwarnings('ignore', message=r'`torch.jit.script` is deprecated', category=FutureWarning) # raised by fastai's imports

# The public API: every module's `__all__`. The modules are generated from the notebooks in nbs/; this file is not.
# `test_utils` (fixtures) and `bench` (the benchmark command) are imported on their own.
from .data import *
from .losses import *
from .callback import *
from .metrics import *
from .models import *
from .train import *
from .distributed import *
from . import data as _data, losses as _losses, callback as _callback, metrics as _metrics, models as _models, train as _train, distributed as _distributed

__all__ = [n for m in (_data, _losses, _callback, _metrics, _models, _train, _distributed) for n in m.__all__]
