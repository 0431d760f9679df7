__version__ = "0.0.1"

import warnings as _w
_w.filterwarnings('ignore', message=r'`torch.jit.script` is deprecated', category=FutureWarning) # raised by fastai's imports

# The public API. The modules themselves are generated from the notebooks in nbs/; this file is not.
from .data import (lt_counts, long_tail_subset, ImageTensorDataset, TensorImageDL, PadCropFlip, tensor_dls, read_idx,
                   fmnist_path, load_fmnist, fmnist_lt_dls, class_counts, plot_class_counts, shot_group, load_image_folder,
                   cifar_lt_dls, make_fake_image_folder, read_split_file, split_file_dls)
from .losses import (class_balanced_weights, balanced_kd_loss, drw_epoch, LTLoss, WeightedCE, NormedLinear, LDAMLoss,
                     LogitAdjustedLoss, BalancedSoftmaxLoss, FocalLoss)
from .callback import load_teacher, is_fitting, BKDCallback, KDCallback, DRWCallback, tiny_cls_dls
from .metrics import (confusion_counts, per_class_accuracy, group_classes, group_accuracy, LTAccuracy, lt_metrics,
                      LTInterpretation, plot_per_class_accuracy, compare_learners)
from .models import CifarResNet, BasicBlock, resnet8, resnet20, resnet32, resnet44, resnet56, resnet110, get_arch, ARCHS
from .train import (paper_lr_mult, warmup_epochs, PaperSchedule, recipe_opt_func, PRESETS, METHODS, method_parts, EpochCheckpoint,
                    save_model, load_model, train_method, evaluate, results_table, run_bkd)
