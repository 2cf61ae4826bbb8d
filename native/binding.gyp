{
  "targets": [
    {
      "target_name": "fracture_kernels",
      "sources": ["src/addon.c", "src/gemm.c", "src/conv.c", "src/bn.c"],
      "cflags": ["-O3", "-std=c11", "-fno-math-errno", "-Wall", "-Wno-unused-parameter"],
      "cflags!": ["-O2"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-std=c11"] },
      "msvs_settings": { "VCCLCompilerTool": { "Optimization": 2 } }
    }
  ]
}
