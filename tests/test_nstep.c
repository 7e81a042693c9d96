/*
 * test_nstep.c - the n-step accumulator on hand-made sequences with exact
 * numbers (gamma = 0.5 and rewards powers of two, so every return is exact):
 * full windows, the flush at `terminated` (done = 1, no bootstrap), the flush
 * at `truncated` (done = 0, bootstrap with gamma^k, k = steps accumulated),
 * episodes shorter than n, and n = 1.
 */
#include "testutil.h"
#include "nstep.h"

struct rec {
	float obs0, next0;
	int action, done, k;
	double ret, discount;
};

struct sink {
	struct rec r[32];
	int n;
};

static void collect(void *ctx, const struct nstep_out *t)
{
	struct sink *s = ctx;
	s->r[s->n++] = (struct rec){ t->obs[0], t->next_obs[0], t->action, t->done, t->k, t->ret,
				     t->discount };
}

/* Pushes step t of an episode: s_t = (base + t, -1), action t, reward rw. */
static int push(struct nstep *ns, struct sink *s, float base, int t, double rw, int term, int trunc)
{
	float o[2] = { base + (float)t, -1.0f }, n[2] = { base + (float)t + 1, -1.0f };
	return nstep_push(ns, o, t, rw, n, term, trunc, collect, s);
}

static void expect(const struct rec *r, float obs0, int action, double ret, float next0,
		   double discount, int done, int k)
{
	if (r->obs0 != obs0 || r->action != action || r->ret != ret || r->next0 != next0 ||
	    r->discount != discount || r->done != done || r->k != k) {
		print_error("got (s %g, a %d, R %.17g, s' %g, disc %.17g, done %d, k %d)\n"
			    "want (s %g, a %d, R %.17g, s' %g, disc %.17g, done %d, k %d)\n",
			    r->obs0, r->action, r->ret, r->next0, r->discount, r->done, r->k, obs0,
			    action, ret, next0, discount, done, k);
		fail();
	}
}

static void test_nstep__window_and_termination(void **state)
{
	(void)state;
	struct nstep ns;
	struct sink s = { .n = 0 };
	nstep_init(&ns, 3, 2, 0.5);
	assert_int_equal(push(&ns, &s, 0, 0, 1, 0, 0), 0);
	assert_int_equal(push(&ns, &s, 0, 1, 2, 0, 0), 0);
	assert_int_equal(push(&ns, &s, 0, 2, 4, 0, 0), 1);
	/* R = 1 + 0.5 * 2 + 0.25 * 4 = 3, bootstrap from s_3 with 0.5^3 */
	expect(&s.r[0], 0, 0, 3.0, 3, 0.125, 0, 3);
	assert_int_equal(push(&ns, &s, 0, 3, 8, 0, 0), 1);
	expect(&s.r[1], 1, 1, 6.0, 4, 0.125, 0, 3);
	/* terminated at step 4: three flushed, none bootstrapped */
	assert_int_equal(push(&ns, &s, 0, 4, 16, 1, 0), 3);
	expect(&s.r[2], 2, 2, 12.0, 5, 0.125, 1, 3);
	expect(&s.r[3], 3, 3, 16.0, 5, 0.25, 1, 2);
	expect(&s.r[4], 4, 4, 16.0, 5, 0.5, 1, 1);
	assert_int_equal(ns.count, 0);
	nstep_release(&ns);
}

static void test_nstep__truncation_bootstraps(void **state)
{
	(void)state;
	struct nstep ns;
	struct sink s = { .n = 0 };
	nstep_init(&ns, 3, 2, 0.5);
	/* an episode cut by the time limit after 2 steps (shorter than n) */
	assert_int_equal(push(&ns, &s, 10, 0, 3, 0, 0), 0);
	assert_int_equal(push(&ns, &s, 10, 1, 5, 0, 1), 2);
	/* R = 3 + 0.5 * 5 = 5.5 with gamma^2; R = 5 with gamma^1; both bootstrap from s_2 */
	expect(&s.r[0], 10, 0, 5.5, 12, 0.25, 0, 2);
	expect(&s.r[1], 11, 1, 5.0, 12, 0.5, 0, 1);
	/* the next episode starts clean; terminated and truncated together: no bootstrap */
	assert_int_equal(push(&ns, &s, 20, 0, 2, 1, 1), 1);
	expect(&s.r[2], 20, 0, 2.0, 21, 0.5, 1, 1);
	/* a long episode truncated after a full window */
	for (int t = 0; t < 4; t++)
		push(&ns, &s, 30, t, 1, 0, 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(push(&ns, &s, 30, 4, 1, 0, 1), 3);
	expect(&s.r[3], 30, 0, 1.75, 33, 0.125, 0, 3);
	expect(&s.r[4], 31, 1, 1.75, 34, 0.125, 0, 3);
	expect(&s.r[5], 32, 2, 1.75, 35, 0.125, 0, 3);
	expect(&s.r[6], 33, 3, 1.5, 35, 0.25, 0, 2);
	expect(&s.r[7], 34, 4, 1.0, 35, 0.5, 0, 1);
	nstep_release(&ns);
}

static void test_nstep__one_step_is_identity(void **state)
{
	(void)state;
	struct nstep ns;
	struct sink s = { .n = 0 };
	nstep_init(&ns, 1, 2, 0.9);
	for (int t = 0; t < 3; t++)
		assert_int_equal(push(&ns, &s, 0, t, t * 1.5, t == 2, 0), 1);
	for (int t = 0; t < 3; t++)
		expect(&s.r[t], (float)t, t, t * 1.5, (float)t + 1, 0.9, t == 2, 1);
	nstep_release(&ns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nstep__window_and_termination),
		cmocka_unit_test(test_nstep__truncation_bootstraps),
		cmocka_unit_test(test_nstep__one_step_is_identity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
