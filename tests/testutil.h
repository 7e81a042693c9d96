/*
 * testutil.h - cmocka plus helpers for comparing against reference data:
 * they print the first mismatches and the largest difference, then fail.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Directory of the checked-in test data (tests/data), from the environment or the default. */
static inline const char *test_data_dir(void)
{
	const char *d = getenv("TEST_DATA");
	return d ? d : "tests/data";
}

static inline char *test_data_path(const char *name)
{
	static char buf[4096];
	snprintf(buf, sizeof(buf), "%s/%s", test_data_dir(), name);
	return buf;
}

/* Fails unless |got[i] - want[i]| <= tol for every i; reports the worst. */
#define assert_close_array(what, got, want, n, tol) \
	assert_close_array_fl(what, got, want, n, tol, __FILE__, __LINE__)
static inline void assert_close_array_fl(const char *what, const double *got, const double *want,
					 size_t n, double tol, const char *file, int line)
{
	size_t bad = 0, worst = 0;
	double maxd = 0;
	for (size_t i = 0; i < n; i++) {
		double d = fabs(got[i] - want[i]);
		if (!(d <= tol) || isnan(got[i]) != isnan(want[i])) {
			if (bad < 5)
				print_error("%s[%zu]: got %.17g, want %.17g (diff %.3g)\n", what, i,
					    got[i], want[i], d);
			bad++;
		}
		if (d > maxd || d != d) {
			maxd = d;
			worst = i;
		}
	}
	if (bad) {
		print_error("%s: %zu of %zu values differ by more than %g; max diff %.3g at %zu\n",
			    what, bad, n, tol, maxd, worst);
		_fail(file, line);
	}
}

#endif
