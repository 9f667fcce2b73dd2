#include <cblas.h>

/* LAPACK, exported by libopenblas: minimum-norm least squares by divide-and-conquer SVD
   (what numpy.linalg.lstsq calls). Declared here because Debian ships no lapack.h with OpenBLAS. */
void dgelsd_(const int *m, const int *n, const int *nrhs, double *a, const int *lda, double *b,
             const int *ldb, double *s, const double *rcond, int *rank, double *work,
             const int *lwork, int *iwork, int *info);
