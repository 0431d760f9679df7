__version__ = "0.0.1"

import warnings as _w
_w.filterwarnings('ignore', message=r'`torch.jit.script` is deprecated', category=FutureWarning) # raised by fastai's imports

# The public API: the `__all__` of each library module, and `run_bkd`. The modules are generated from the notebooks in nbs/; this file is not.
# The run machinery (`runs`, `jobs`, the rest of `cli`), `test_utils` (fixtures) and `bench` (the benchmark command) are imported on their own.
from .data import *
from .models import *
from .distributed import *
from .losses import *
from .callback import *
from .metrics import *
from .schedule import *
from .speed import *
from .train import *
from .cli import run_bkd
from . import data as _data, models as _models, distributed as _distributed, losses as _losses, callback as _callback, metrics as _metrics, schedule as _schedule, speed as _speed, train as _train

__all__ = [n for m in (_data, _models, _distributed, _losses, _callback, _metrics, _schedule, _speed, _train) for n in m.__all__] + ['run_bkd']
