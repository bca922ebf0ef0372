"""The FCN chapter's variation table: written by ``python -m updown.fcn --variation``, do not edit.

Each run: one seed, one CPU configuration (see ``updown.fcn.EMULATED_CPUS``). ``code_hash`` is ``updown.fcn.variation_key()`` of the code that produced it.
"""
import json

RESULTS = json.loads(r"""
{
 "code_hash": "545cb1a87b8b9091",
 "runs": [
  {
   "config": {
    "ATEN_CPU_CAPABILITY": "",
    "MKL_NUM_THREADS": "",
    "NPY_DISABLE_CPU_FEATURES": "",
    "OMP_NUM_THREADS": "",
    "ONEDNN_MAX_CPU_ISA": "",
    "OPENBLAS_CORETYPE": "",
    "machine": "x86_64",
    "numpy": "2.4.6",
    "python": "3.11.7",
    "torch": "2.13.0+cpu",
    "torch_capability": "AVX512",
    "torch_threads": "2"
   },
   "cpu": "native",
   "fixed_8s": {
    "boundary_f1": 0.572538992977461,
    "class_iou": [
     0.9496605057285369,
     0.8166099313773167,
     0.7596033197780767,
     0.0,
     0.002808317399617591
    ],
    "mean_iou": 0.5057364148567096,
    "pixel_accuracy": 0.9511537905092593,
    "variant": "FCN-8s"
   },
   "rows": [
    {
     "boundary_f1": 0.1793284674733957,
     "class_iou": [
      0.8819465804327766,
      0.24407439227775812,
      0.3777242684095432,
      0.0,
      0.0
     ],
     "mean_iou": 0.3007490482240156,
     "pixel_accuracy": 0.8850651493778935,
     "variant": "FCN-32s"
    },
    {
     "boundary_f1": 0.3557710435309689,
     "class_iou": [
      0.9108192416265737,
      0.6158672382001484,
      0.5348546221873476,
      0.0,
      0.0
     ],
     "mean_iou": 0.41230822040281395,
     "pixel_accuracy": 0.9124631528501157,
     "variant": "FCN-16s"
    },
    {
     "boundary_f1": 0.5829510020664967,
     "class_iou": [
      0.9507945931420644,
      0.8274374460742019,
      0.766195587267076,
      0.0,
      5.9916117435590176e-05
     ],
     "mean_iou": 0.5088975085201556,
     "pixel_accuracy": 0.9521653917100694,
     "variant": "FCN-8s"
    }
   ],
   "seed": 0
  },
  {
   "config": {
    "ATEN_CPU_CAPABILITY": "",
    "MKL_NUM_THREADS": "",
    "NPY_DISABLE_CPU_FEATURES": "",
    "OMP_NUM_THREADS": "",
    "ONEDNN_MAX_CPU_ISA": "",
    "OPENBLAS_CORETYPE": "",
    "machine": "x86_64",
    "numpy": "2.4.6",
    "python": "3.11.7",
    "torch": "2.13.0+cpu",
    "torch_capability": "AVX512",
    "torch_threads": "2"
   },
   "cpu": "native",
   "fixed_8s": {
    "boundary_f1": 0.5734948500645595,
    "class_iou": [
     0.9429084353881598,
     0.7640173269736201,
     0.763738687084311,
     0.0,
     0.07977728081785404
    ],
    "mean_iou": 0.510088346052789,
    "pixel_accuracy": 0.9454097041377315,
    "variant": "FCN-8s"
   },
   "rows": [
    {
     "boundary_f1": 0.10551398887728164,
     "class_iou": [
      0.8727524852664225,
      0.3871351481819906,
      0.11164784204886789,
      0.0,
      0.0
     ],
     "mean_iou": 0.27430709509945617,
     "pixel_accuracy": 0.8748315881799769,
     "variant": "FCN-32s"
    },
    {
     "boundary_f1": 0.3053313446380675,
     "class_iou": [
      0.923107596360166,
      0.6245738196094638,
      0.5674906007519398,
      0.0,
      0.0
     ],
     "mean_iou": 0.42303440334431386,
     "pixel_accuracy": 0.9256637008101852,
     "variant": "FCN-16s"
    },
    {
     "boundary_f1": 0.6006572738333963,
     "class_iou": [
      0.9458476630421967,
      0.8059161523728453,
      0.7873430155055076,
      0.0,
      0.08293608757062147
     ],
     "mean_iou": 0.5244085836982342,
     "pixel_accuracy": 0.9484840675636574,
     "variant": "FCN-8s"
    }
   ],
   "seed": 1
  },
  {
   "config": {
    "ATEN_CPU_CAPABILITY": "",
    "MKL_NUM_THREADS": "",
    "NPY_DISABLE_CPU_FEATURES": "",
    "OMP_NUM_THREADS": "",
    "ONEDNN_MAX_CPU_ISA": "",
    "OPENBLAS_CORETYPE": "",
    "machine": "x86_64",
    "numpy": "2.4.6",
    "python": "3.11.7",
    "torch": "2.13.0+cpu",
    "torch_capability": "AVX512",
    "torch_threads": "2"
   },
   "cpu": "native",
   "fixed_8s": {
    "boundary_f1": 0.5836815906527516,
    "class_iou": [
     0.9531440798469707,
     0.7899507834471675,
     0.782194439992164,
     0.0,
     0.03127817463069561
    ],
    "mean_iou": 0.5113134955833996,
    "pixel_accuracy": 0.9547232168692129,
    "variant": "FCN-8s"
   },
   "rows": [
    {
     "boundary_f1": 0.17251733819734763,
     "class_iou": [
      0.878190552613788,
      0.30783023246002617,
      0.3448120830649963,
      0.0,
      0.0
     ],
     "mean_iou": 0.30616657362776206,
     "pixel_accuracy": 0.8810503924334491,
     "variant": "FCN-32s"
    },
    {
     "boundary_f1": 0.35853789226272853,
     "class_iou": [
      0.9296273717436248,
      0.5507227332457293,
      0.605434867242856,
      0.0,
      0.0
     ],
     "mean_iou": 0.41715699444644205,
     "pixel_accuracy": 0.9311376501012731,
     "variant": "FCN-16s"
    },
    {
     "boundary_f1": 0.6088617705280429,
     "class_iou": [
      0.9540308201890391,
      0.7914493739450281,
      0.7959561047265187,
      0.0,
      0.04440448194771061
     ],
     "mean_iou": 0.5171681561616593,
     "pixel_accuracy": 0.9555630154079862,
     "variant": "FCN-8s"
    }
   ],
   "seed": 2
  },
  {
   "config": {
    "ATEN_CPU_CAPABILITY": "default",
    "MKL_NUM_THREADS": "",
    "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
    "OMP_NUM_THREADS": "1",
    "ONEDNN_MAX_CPU_ISA": "SSE41",
    "OPENBLAS_CORETYPE": "",
    "machine": "x86_64",
    "numpy": "2.4.6",
    "python": "3.11.7",
    "torch": "2.13.0+cpu",
    "torch_capability": "DEFAULT",
    "torch_threads": "1"
   },
   "cpu": "sse41",
   "fixed_8s": {
    "boundary_f1": 0.6034499656621098,
    "class_iou": [
     0.9497286092962105,
     0.8201120764999229,
     0.7550651774693681,
     0.0,
     0.0011362277239564645
    ],
    "mean_iou": 0.5052084181978916,
    "pixel_accuracy": 0.9509039984809028,
    "variant": "FCN-8s"
   },
   "rows": [
    {
     "boundary_f1": 0.1683911366692612,
     "class_iou": [
      0.8805833779295565,
      0.18387309980171845,
      0.39325842696629215,
      0.0,
      0.0
     ],
     "mean_iou": 0.2915429809395135,
     "pixel_accuracy": 0.8837992350260416,
     "variant": "FCN-32s"
    },
    {
     "boundary_f1": 0.36296174167138745,
     "class_iou": [
      0.9184878619443019,
      0.6216748067713026,
      0.5862740010378827,
      0.0,
      0.0
     ],
     "mean_iou": 0.42528733395069745,
     "pixel_accuracy": 0.9208792227285879,
     "variant": "FCN-16s"
    },
    {
     "boundary_f1": 0.5953583237487681,
     "class_iou": [
      0.9485789849660275,
      0.8177871917575377,
      0.7364673611719046,
      0.0,
      0.0
     ],
     "mean_iou": 0.5005667075790939,
     "pixel_accuracy": 0.94940185546875,
     "variant": "FCN-8s"
    }
   ],
   "seed": 0
  },
  {
   "config": {
    "ATEN_CPU_CAPABILITY": "default",
    "MKL_NUM_THREADS": "",
    "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
    "OMP_NUM_THREADS": "1",
    "ONEDNN_MAX_CPU_ISA": "SSE41",
    "OPENBLAS_CORETYPE": "",
    "machine": "x86_64",
    "numpy": "2.4.6",
    "python": "3.11.7",
    "torch": "2.13.0+cpu",
    "torch_capability": "DEFAULT",
    "torch_threads": "1"
   },
   "cpu": "sse41",
   "fixed_8s": {
    "boundary_f1": 0.576244651525065,
    "class_iou": [
     0.9425240350655434,
     0.7684488319812335,
     0.7447863705289448,
     0.0,
     0.09134315037929495
    ],
    "mean_iou": 0.5094204775910034,
    "pixel_accuracy": 0.9446998878761574,
    "variant": "FCN-8s"
   },
   "rows": [
    {
     "boundary_f1": 0.10043171688845383,
     "class_iou": [
      0.8737613616059177,
      0.384362752213674,
      0.09895057789122881,
      0.0,
      0.0
     ],
     "mean_iou": 0.27141493834216407,
     "pixel_accuracy": 0.8759132667824074,
     "variant": "FCN-32s"
    },
    {
     "boundary_f1": 0.290317697103975,
     "class_iou": [
      0.9219000965649096,
      0.6248386525271443,
      0.5395123864304856,
      0.0,
      0.001079136690647482
     ],
     "mean_iou": 0.41746605444263746,
     "pixel_accuracy": 0.9241875542534722,
     "variant": "FCN-16s"
    },
    {
     "boundary_f1": 0.5921903338770707,
     "class_iou": [
      0.9451582362403,
      0.8061002763097889,
      0.7780834964812953,
      0.0,
      0.08002839144707657
     ],
     "mean_iou": 0.5218740800956921,
     "pixel_accuracy": 0.9479336208767362,
     "variant": "FCN-8s"
    }
   ],
   "seed": 1
  },
  {
   "config": {
    "ATEN_CPU_CAPABILITY": "default",
    "MKL_NUM_THREADS": "",
    "NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
    "OMP_NUM_THREADS": "1",
    "ONEDNN_MAX_CPU_ISA": "SSE41",
    "OPENBLAS_CORETYPE": "",
    "machine": "x86_64",
    "numpy": "2.4.6",
    "python": "3.11.7",
    "torch": "2.13.0+cpu",
    "torch_capability": "DEFAULT",
    "torch_threads": "1"
   },
   "cpu": "sse41",
   "fixed_8s": {
    "boundary_f1": 0.5841167888175037,
    "class_iou": [
     0.9537263877248404,
     0.7975013413045144,
     0.7838982300100991,
     0.0,
     0.03246211594605867
    ],
    "mean_iou": 0.5135176149971026,
    "pixel_accuracy": 0.9552849663628472,
    "variant": "FCN-8s"
   },
   "rows": [
    {
     "boundary_f1": 0.16027828876825082,
     "class_iou": [
      0.8825114039593694,
      0.31905952556048156,
      0.30812731596703724,
      0.0,
      0.0
     ],
     "mean_iou": 0.3019396490973777,
     "pixel_accuracy": 0.8851092303240741,
     "variant": "FCN-32s"
    },
    {
     "boundary_f1": 0.3438145817147074,
     "class_iou": [
      0.9280484949650202,
      0.5163830533157142,
      0.6012270898874645,
      0.0,
      0.0
     ],
     "mean_iou": 0.40913172763363975,
     "pixel_accuracy": 0.92974853515625,
     "variant": "FCN-16s"
    },
    {
     "boundary_f1": 0.6053616279825341,
     "class_iou": [
      0.9544709583556125,
      0.794181799736228,
      0.8023452611218569,
      0.0,
      0.03601088701235257
     ],
     "mean_iou": 0.51740178124521,
     "pixel_accuracy": 0.9560637297453703,
     "variant": "FCN-8s"
    }
   ],
   "seed": 2
  },
  {
   "config": {
    "ATEN_CPU_CAPABILITY": "avx2",
    "MKL_NUM_THREADS": "",
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
    "OMP_NUM_THREADS": "2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "OPENBLAS_CORETYPE": "",
    "machine": "x86_64",
    "numpy": "2.4.6",
    "python": "3.11.7",
    "torch": "2.13.0+cpu",
    "torch_capability": "AVX2",
    "torch_threads": "2"
   },
   "cpu": "avx2",
   "fixed_8s": {
    "boundary_f1": 0.5859012550323187,
    "class_iou": [
     0.9495457416010654,
     0.8196937561429828,
     0.7552263498270416,
     0.0,
     0.001496020585243253
    ],
    "mean_iou": 0.5051923736312667,
    "pixel_accuracy": 0.9508373119212963,
    "variant": "FCN-8s"
   },
   "rows": [
    {
     "boundary_f1": 0.13979806283019017,
     "class_iou": [
      0.8833592644151469,
      0.15382734164832476,
      0.3211177408206734,
      0.0,
      0.0
     ],
     "mean_iou": 0.271660869376829,
     "pixel_accuracy": 0.8856291594328703,
     "variant": "FCN-32s"
    },
    {
     "boundary_f1": 0.3614776249991541,
     "class_iou": [
      0.9104997290513058,
      0.6249970577851006,
      0.5396978774116662,
      0.0,
      0.0
     ],
     "mean_iou": 0.4150389328496146,
     "pixel_accuracy": 0.9129401312934028,
     "variant": "FCN-16s"
    },
    {
     "boundary_f1": 0.5846379705916482,
     "class_iou": [
      0.9518967408326169,
      0.8210847367723114,
      0.7793853993017331,
      0.0,
      0.00029952674773857304
     ],
     "mean_iou": 0.5105332807308799,
     "pixel_accuracy": 0.9532482005931713,
     "variant": "FCN-8s"
    }
   ],
   "seed": 0
  },
  {
   "config": {
    "ATEN_CPU_CAPABILITY": "avx2",
    "MKL_NUM_THREADS": "",
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
    "OMP_NUM_THREADS": "2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "OPENBLAS_CORETYPE": "",
    "machine": "x86_64",
    "numpy": "2.4.6",
    "python": "3.11.7",
    "torch": "2.13.0+cpu",
    "torch_capability": "AVX2",
    "torch_threads": "2"
   },
   "cpu": "avx2",
   "fixed_8s": {
    "boundary_f1": 0.5586743076639492,
    "class_iou": [
     0.9427382512788713,
     0.7745812270789969,
     0.7405158248196042,
     0.0,
     0.07819535054672425
    ],
    "mean_iou": 0.5072061307448393,
    "pixel_accuracy": 0.9450231481481481,
    "variant": "FCN-8s"
   },
   "rows": [
    {
     "boundary_f1": 0.10752874194697686,
     "class_iou": [
      0.8746081064640207,
      0.3824227168184864,
      0.121233368976458,
      0.0,
      0.0
     ],
     "mean_iou": 0.275652838451793,
     "pixel_accuracy": 0.8767236780237269,
     "variant": "FCN-32s"
    },
    {
     "boundary_f1": 0.2865825315189075,
     "class_iou": [
      0.9213654539709519,
      0.628749000696289,
      0.5306689604975848,
      0.0,
      0.0
     ],
     "mean_iou": 0.41615668303296516,
     "pixel_accuracy": 0.9240259241174769,
     "variant": "FCN-16s"
    },
    {
     "boundary_f1": 0.6072066425088779,
     "class_iou": [
      0.9463220058533871,
      0.8063802569159426,
      0.7963150364657849,
      0.0,
      0.08637125959925854
     ],
     "mean_iou": 0.5270777117668747,
     "pixel_accuracy": 0.9490367748119213,
     "variant": "FCN-8s"
    }
   ],
   "seed": 1
  },
  {
   "config": {
    "ATEN_CPU_CAPABILITY": "avx2",
    "MKL_NUM_THREADS": "",
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
    "OMP_NUM_THREADS": "2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "OPENBLAS_CORETYPE": "",
    "machine": "x86_64",
    "numpy": "2.4.6",
    "python": "3.11.7",
    "torch": "2.13.0+cpu",
    "torch_capability": "AVX2",
    "torch_threads": "2"
   },
   "cpu": "avx2",
   "fixed_8s": {
    "boundary_f1": 0.5658228561677006,
    "class_iou": [
     0.9511546359341368,
     0.77660041994238,
     0.7636215923451887,
     0.0,
     0.032591359822481104
    ],
    "mean_iou": 0.5047936016088374,
    "pixel_accuracy": 0.9528593840422453,
    "variant": "FCN-8s"
   },
   "rows": [
    {
     "boundary_f1": 0.16929526114546065,
     "class_iou": [
      0.8805792329475265,
      0.3527001201804677,
      0.30674596154107864,
      0.0,
      0.0
     ],
     "mean_iou": 0.3080050629338146,
     "pixel_accuracy": 0.8836274323640047,
     "variant": "FCN-32s"
    },
    {
     "boundary_f1": 0.3506496220908147,
     "class_iou": [
      0.928763091311671,
      0.5466553946951284,
      0.5994679602535012,
      0.0,
      0.0
     ],
     "mean_iou": 0.4149772892520601,
     "pixel_accuracy": 0.9305103443287037,
     "variant": "FCN-16s"
    },
    {
     "boundary_f1": 0.6000807692553848,
     "class_iou": [
      0.953788547899536,
      0.7806206709556558,
      0.802294945573043,
      0.0,
      0.03657603782768931
     ],
     "mean_iou": 0.5146560404511848,
     "pixel_accuracy": 0.9553166142216435,
     "variant": "FCN-8s"
    }
   ],
   "seed": 2
  }
 ],
 "settings": {
  "batch_size": 16,
  "device": "cpu",
  "epochs": 6,
  "image_size": 96,
  "lr": 0.003,
  "num_test": 96,
  "num_train": 256,
  "seed": 0
 }
}
""")
