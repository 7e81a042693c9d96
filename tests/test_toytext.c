/*
 * test_toytext.c - CliffWalking and Taxi against Gymnasium's own transition
 * model and trajectories (tests/data, copied from ../shared/reference), the
 * FrozenLake start distributions, model invariants, the is_slippery /
 * is_rainy / fickle_passenger options, resets, seeding and misuse.
 */
#include "testutil.h"
#include "env.h"
#include "toytext.h"

static struct env *make(const char *id, const char *k, const char *v)
{
	const struct env_spec *spec = env_lookup(id);
	assert_non_null(spec);
	struct params opts;
	env_options_init(spec, &opts);
	char why[256];
	if (k)
		assert_int_equal(params_set_text(&opts, k, v, why, sizeof(why)), 0);
	struct env *e;
	assert_int_equal(env_make(&e, id, &opts), 0);
	params_release(&opts);
	return e;
}

static struct tabular_model get_model(struct env *e)
{
	struct tabular_model m;
	assert_int_equal(env_model(e, &m), 0);
	return m;
}

/* Parses the JSON number array after "key": [ ... ] into out (n values). */
static void json_array(const char *json, const char *key, double *out, int n)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\": [", key);
	const char *p = strstr(json, pat);
	assert_non_null(p);
	p += strlen(pat);
	for (int i = 0; i < n; i++) {
		char *end;
		out[i] = strtod(p, &end);
		assert_true(end != p);
		p = end;
		while (*p == ',' || *p == ' ')
			p++;
	}
	assert_int_equal(*p, ']');
}

/* Compares a model with model_*.json: every P[s][a] entry and initial_state_distrib, exactly. */
static void check_model_json(const char *file, const struct tabular_model *m)
{
	size_t len;
	char *json = read_file(test_data_path(file), &len);
	assert_non_null(json);
	double *init = xmalloc((size_t)m->nS * sizeof(double));
	json_array(json, "initial_state_distrib", init, m->nS);
	int bad = 0;
	for (int s = 0; s < m->nS; s++)
		if (init[s] != m->initial[s] && bad++ < 5)
			print_error("initial[%d]: got %.17g want %.17g\n", s, m->initial[s], init[s]);
	free(init);

	char *p = strstr(json, "\"P\":");
	assert_non_null(p);
	p += 4;
	int s = 0, a = 0, k = 0, depth = 0;
	while (*p) {
		if (*p == '[' && ++depth == 4) {
			double prob, rew;
			int next;
			char term[8];
			assert_int_equal(sscanf(p, "[%lf, %d, %lf, %5[a-zA-Z]", &prob, &next, &rew, term), 4);
			int idx = m->start[s * m->nA + a] + k;
			assert_true(idx < m->start[s * m->nA + a + 1]);
			if ((m->prob[idx] != prob || m->next[idx] != next || m->reward[idx] != rew ||
			     m->terminated[idx] != (term[0] == 't' || term[0] == 'T')) && bad++ < 5)
				print_error("P[%d][%d][%d]: got (%.17g,%d,%g,%d) want (%.17g,%d,%g,%s)\n", s,
					    a, k, m->prob[idx], m->next[idx], m->reward[idx],
					    m->terminated[idx], prob, next, rew, term);
			k++;
		} else if (*p == ']') {
			if (depth == 3) {
				assert_int_equal(m->start[s * m->nA + a] + k, m->start[s * m->nA + a + 1]);
				a++;
				k = 0;
			} else if (depth == 2) {
				assert_int_equal(a, m->nA);
				s++;
				a = 0;
			} else if (depth == 1) {
				break;
			}
			depth--;
		}
		p++;
	}
	assert_int_equal(s, m->nS);
	assert_int_equal(bad, 0);
	free(json);
}

static void test_toytext__taxi_model(void **state)
{
	(void)state;
	const char *ids[] = { "Taxi-v3", "Taxi-v4" }; /* Taxi-v4's defaults are v3's dynamics */
	for (int i = 0; i < 2; i++) {
		struct env *e = make(ids[i], NULL, NULL);
		assert_int_equal(e->info.obs_n, 500);
		assert_int_equal(e->info.n_actions, 6);
		assert_int_equal(e->max_episode_steps, 200);
		assert_true(e->spec->reward_threshold == 8);
		struct tabular_model m = get_model(e);
		check_model_json("model_Taxi-v3.json", &m);
		tabular_model_release(&m);
		env_free(e);
	}
	assert_int_equal(param_count(env_lookup("Taxi-v3")->vt->options), 0);
	assert_int_equal(param_count(env_lookup("Taxi-v4")->vt->options), 4);
}

/* FrozenLake's start distributions (its P is checked in test_frozenlake.c). */
static void test_toytext__frozenlake_initial(void **state)
{
	(void)state;
	struct env *e = make("FrozenLake-v1", NULL, NULL);
	struct tabular_model m = get_model(e);
	check_model_json("model_FrozenLake-v1_4x4_slippery.json", &m);
	tabular_model_release(&m);
	env_free(e);
	e = make("FrozenLake-v1", "is_slippery", "false");
	m = get_model(e);
	check_model_json("model_FrozenLake-v1_4x4_noslip.json", &m);
	tabular_model_release(&m);
	env_free(e);
}

/*
 * Replays traj_<id>.csv (columns episode,t,action,obs_0,reward,terminated,
 * truncated[,taxi_row,taxi_col,pass_loc,dest_idx,action_mask]); returns the
 * number of steps.
 */
static int replay_toytext(const char *file, const char *id, int taxi)
{
	FILE *f = fopen(test_data_path(file), "r");
	assert_non_null(f);
	char line[512];
	assert_non_null(fgets(line, sizeof(line), f));
	struct env *e = make(id, NULL, NULL);
	int steps = 0;
	while (fgets(line, sizeof(line), f)) {
		int ep, t, action, obs, term, trunc, row, col, pass, dest;
		double reward;
		char mask[8];
		int n = sscanf(line, "%d,%d,%d,%d,%lf,%d,%d,%d,%d,%d,%d,%7s", &ep, &t, &action, &obs,
			       &reward, &term, &trunc, &row, &col, &pass, &dest, mask);
		assert_int_equal(n, taxi ? 12 : 7);
		float o;
		if (t == 0) {
			uint64_t seed = (uint64_t)ep;
			assert_int_equal(env_reset(e, &seed, &o), 0);
			double s = obs;
			assert_int_equal(env_set_state(e, &s, 1, &o), 0);
		} else {
			double r;
			int te, tr;
			assert_int_equal(env_step(e, action, &o, &r, &te, &tr), 0);
			assert_true(r == reward);
			assert_int_equal(te, term);
			assert_int_equal(tr, trunc);
			steps++;
		}
		assert_true(o == (float)obs);
		if (taxi) {
			/* Gymnasium's decode and action mask of the state */
			assert_int_equal(obs, ((row * 5 + col) * 5 + pass) * 4 + dest);
			unsigned char m[6];
			taxi_action_mask(obs, m);
			for (int i = 0; i < 6; i++)
				assert_int_equal(m[i], mask[i] - '0');
		}
	}
	fclose(f);
	env_free(e);
	return steps;
}

static void test_toytext__taxi_trajectory(void **state)
{
	(void)state;
	assert_int_equal(replay_toytext("traj_Taxi-v3.csv", "Taxi-v3", 1), 10 + 3 + 6);
	assert_int_equal(replay_toytext("traj_Taxi-v3.csv", "Taxi-v4", 1), 10 + 3 + 6);
}

static void test_toytext__cliffwalking_trajectory(void **state)
{
	(void)state;
	assert_int_equal(replay_toytext("traj_CliffWalking-v1.csv", "CliffWalking-v1", 0), 13 + 5);
	assert_int_equal(replay_toytext("traj_CliffWalking-v1.csv", "CliffWalking-v0", 0), 13 + 5);
}

/* Probabilities of every (s, a) add up to 1 (to rounding) and next states are valid. */
static void check_stochastic(const struct tabular_model *m)
{
	for (int sa = 0; sa < m->nS * m->nA; sa++) {
		double total = 0;
		assert_true(m->start[sa + 1] > m->start[sa]);
		for (int i = m->start[sa]; i < m->start[sa + 1]; i++) {
			assert_true(m->prob[i] > 0);
			assert_true(m->next[i] >= 0 && m->next[i] < m->nS);
			total += m->prob[i];
		}
		assert_true(fabs(total - 1) < 1e-12);
	}
	double total = 0;
	for (int s = 0; s < m->nS; s++)
		total += m->initial[s];
	assert_true(fabs(total - 1) < 1e-12);
}

static void test_toytext__cliffwalking_model(void **state)
{
	(void)state;
	struct env *e = make("CliffWalking-v1", NULL, NULL);
	assert_int_equal(e->max_episode_steps, 0);
	assert_true(isnan(e->spec->reward_threshold));
	struct tabular_model m = get_model(e), ms;
	assert_int_equal(m.nS, 48);
	assert_int_equal(m.nA, 4);
	check_stochastic(&m);
	assert_true(m.initial[36] == 1.0);
	/* deterministic moves: up, right, down, left, clamped to the grid */
	static const int dr[4] = { -1, 0, 1, 0 }, dc[4] = { 0, 1, 0, -1 };
	int cliff_moves = 0, goal_moves = 0;
	for (int s = 0; s < 48; s++) {
		for (int a = 0; a < 4; a++) {
			int i = m.start[s * 4 + a];
			assert_int_equal(m.start[s * 4 + a + 1], i + 1);
			assert_true(m.prob[i] == 1.0);
			int r = s / 12 + dr[a], c = s % 12 + dc[a];
			r = r < 0 ? 0 : r > 3 ? 3 : r;
			c = c < 0 ? 0 : c > 11 ? 11 : c;
			int to = r * 12 + c;
			if (to >= 37 && to <= 46) {
				/* the cliff: -100 and back to the start, not terminated */
				assert_int_equal(m.next[i], 36);
				assert_true(m.reward[i] == -100);
				assert_int_equal(m.terminated[i], 0);
				cliff_moves++;
			} else {
				assert_int_equal(m.next[i], to);
				assert_true(m.reward[i] == -1);
				assert_int_equal(m.terminated[i], to == 47);
				goal_moves += to == 47;
			}
		}
	}
	/* into the cliff: 36 right, 47 left; from 37..46 down (10), left (38..46) and right
	 * (37..45); from 25..34 down */
	assert_int_equal(cliff_moves, 1 + 1 + (10 + 9 + 9) + 10);
	assert_int_equal(goal_moves, 1 + 2 + 1); /* 35 down; 47 right and down; 46 right */

	/* is_slippery: (a-1)%4, a, (a+1)%4 with 1/3 each, each the deterministic outcome */
	struct env *es = make("CliffWalkingSlippery-v1", NULL, NULL);
	ms = get_model(es);
	check_stochastic(&ms);
	for (int s = 0; s < 48; s++) {
		for (int a = 0; a < 4; a++) {
			int i = ms.start[s * 4 + a];
			assert_int_equal(ms.start[s * 4 + a + 1], i + 3);
			for (int k = 0; k < 3; k++) {
				int b = (a + 3 + k) % 4, j = m.start[s * 4 + b];
				assert_true(ms.prob[i + k] == 1.0 / 3);
				assert_int_equal(ms.next[i + k], m.next[j]);
				assert_true(ms.reward[i + k] == m.reward[j]);
				assert_int_equal(ms.terminated[i + k], m.terminated[j]);
			}
		}
	}
	tabular_model_release(&m);
	tabular_model_release(&ms);
	env_free(e);
	env_free(es);
}

/* Taxi is_rainy: hand-checked cells, and pickup/dropoff as without rain. */
static void test_toytext__taxi_rainy(void **state)
{
	(void)state;
	struct env *dry = make("Taxi-v4", NULL, NULL), *wet = make("Taxi-v4", "is_rainy", "true");
	struct tabular_model md = get_model(dry), mw = get_model(wet);
	check_stochastic(&mw);
#define ENC(r, c, p, d) ((((r) * 5 + (c)) * 5 + (p)) * 4 + (d))
	/* (0,1) south: intended (1,1); left = east, blocked by the wall; right = west (0,0) */
	int s = ENC(0, 1, 2, 3), i = mw.start[s * 6 + 0];
	assert_int_equal(mw.start[s * 6 + 1] - i, 3);
	assert_true(mw.prob[i] == 0.8 && mw.prob[i + 1] == (1.0 - 0.8) / 2.0);
	assert_int_equal(mw.next[i], ENC(1, 1, 2, 3));
	assert_int_equal(mw.next[i + 1], ENC(0, 1, 2, 3));
	assert_int_equal(mw.next[i + 2], ENC(0, 0, 2, 3));
	/* (2,2) north: intended (1,2), left = west (2,1), right = east (2,3) */
	s = ENC(2, 2, 4, 0);
	i = mw.start[s * 6 + 1];
	assert_int_equal(mw.next[i], ENC(1, 2, 4, 0));
	assert_int_equal(mw.next[i + 1], ENC(2, 1, 4, 0));
	assert_int_equal(mw.next[i + 2], ENC(2, 3, 4, 0));
	/* (0,1) east is walled: no move at all, three times the same state */
	s = ENC(0, 1, 0, 1);
	i = mw.start[s * 6 + 2];
	for (int k = 0; k < 3; k++)
		assert_int_equal(mw.next[i + k], s);
	for (s = 0; s < 500; s++) {
		for (int a = 0; a < 6; a++) {
			int iw = mw.start[s * 6 + a], id = md.start[s * 6 + a];
			/* the intended outcome is the dry one */
			assert_int_equal(mw.next[iw], md.next[id]);
			if (a >= 4) {
				assert_int_equal(mw.start[s * 6 + a + 1] - iw, 1);
				assert_true(mw.reward[iw] == md.reward[id]);
				assert_int_equal(mw.terminated[iw], md.terminated[id]);
			}
		}
	}
#undef ENC
	tabular_model_release(&md);
	tabular_model_release(&mw);
	env_free(dry);
	env_free(wet);
}

/*
 * fickle_passenger: with probability 1 the destination changes, uniformly to
 * one of the other three, on the first move with the passenger aboard, and
 * never again; without the option it never changes.
 */
static void test_toytext__taxi_fickle(void **state)
{
	(void)state;
	const struct env_spec *spec = env_lookup("Taxi-v4");
	struct params opts;
	char why[128];
	env_options_init(spec, &opts);
	assert_int_equal(params_set_text(&opts, "fickle_passenger", "true", why, sizeof(why)), 0);
	assert_int_equal(params_set_text(&opts, "fickle_probability", "1", why, sizeof(why)), 0);
	struct env *e;
	assert_int_equal(env_make(&e, "Taxi-v4", &opts), 0);
	params_release(&opts);
	int counts[4][4] = { { 0 } };
	const int n = 3000;
	uint64_t seed = 5;
	float o;
	env_reset(e, &seed, &o);
	for (int k = 0; k < n; k++) {
		env_reset(e, NULL, &o);
		/* passenger aboard at (2,2), destination k%4; move north (open) twice */
		int d0 = k % 4;
		double s = ((2 * 5 + 2) * 5 + 4) * 4 + d0;
		assert_int_equal(env_set_state(e, &s, 1, &o), 0);
		double r;
		int te, tr;
		assert_int_equal(env_step(e, 1, &o, &r, &te, &tr), 0);
		int d1 = (int)o % 4;
		assert_int_equal((int)o / 4, ((1 * 5 + 2) * 5 + 4)); /* the taxi moved, passenger aboard */
		assert_true(d1 != d0);
		counts[d0][d1]++;
		assert_int_equal(env_step(e, 1, &o, &r, &te, &tr), 0);
		assert_int_equal((int)o % 4, d1); /* only once */
	}
	for (int d0 = 0; d0 < 4; d0++)
		for (int d1 = 0; d1 < 4; d1++)
			if (d1 != d0) /* n/12 = 250 expected, sd ~13.6 */
				assert_true(abs(counts[d0][d1] - n / 12) < 70);
	env_free(e);

	e = make("Taxi-v4", NULL, NULL);
	env_reset(e, &seed, &o);
	for (int k = 0; k < 200; k++) {
		double s = ((2 * 5 + 2) * 5 + 4) * 4 + k % 4, r;
		int te, tr;
		assert_int_equal(env_set_state(e, &s, 1, &o), 0);
		assert_int_equal(env_step(e, 1, &o, &r, &te, &tr), 0);
		assert_int_equal((int)o % 4, k % 4);
	}
	env_free(e);
}

/* Resets follow the start distributions: CliffWalking 36; Taxi uniform over its 300 states. */
static void test_toytext__resets(void **state)
{
	(void)state;
	struct env *e = make("CliffWalking-v1", NULL, NULL);
	float o;
	for (uint64_t seed = 0; seed < 20; seed++) {
		env_reset(e, &seed, &o);
		assert_true(o == 36);
	}
	env_free(e);

	e = make("Taxi-v3", NULL, NULL);
	struct tabular_model m = get_model(e);
	int counts[500] = { 0 };
	const int n = 150000;
	uint64_t seed = 11;
	env_reset(e, &seed, &o);
	for (int k = 0; k < n; k++) {
		env_reset(e, NULL, &o);
		counts[(int)o]++;
	}
	double chi2 = 0;
	int support = 0;
	for (int s = 0; s < 500; s++) {
		if (m.initial[s] == 0) {
			assert_int_equal(counts[s], 0);
			continue;
		}
		support++;
		double want = n * m.initial[s];
		chi2 += (counts[s] - want) * (counts[s] - want) / want;
	}
	assert_int_equal(support, 300);
	/* 299 degrees of freedom: mean 299, sd 24.5; 420 is beyond 4.9 sd */
	assert_true(chi2 < 420);
	tabular_model_release(&m);
	env_free(e);
}

/* Same seed, same trajectory (stochastic variants); different seeds differ. */
static void test_toytext__seeding(void **state)
{
	(void)state;
	const char *ids[][3] = { { "CliffWalkingSlippery-v1", NULL, NULL },
				 { "Taxi-v4", "is_rainy", "true" } };
	for (int k = 0; k < 2; k++) {
		float o[3][1];
		struct env *e[3];
		for (int j = 0; j < 3; j++)
			e[j] = make(ids[k][0], ids[k][1], ids[k][2]);
		uint64_t seeds[3] = { 3, 3, 4 };
		for (int j = 0; j < 3; j++)
			env_reset(e[j], &seeds[j], o[j]);
		int differ = 0;
		for (int t = 0; t < 300; t++) {
			int a = t % e[0]->info.n_actions;
			double r[3];
			int te[3], tr[3];
			for (int j = 0; j < 3; j++) {
				if (e[j]->need_reset)
					env_reset(e[j], NULL, o[j]);
				assert_int_equal(env_step(e[j], a, o[j], &r[j], &te[j], &tr[j]), 0);
			}
			assert_true(o[0][0] == o[1][0] && r[0] == r[1] && te[0] == te[1]);
			differ += o[0][0] != o[2][0];
		}
		assert_true(differ > 0);
		for (int j = 0; j < 3; j++)
			env_free(e[j]);
	}
}

static void test_toytext__misuse(void **state)
{
	(void)state;
	struct env *e = make("Taxi-v3", NULL, NULL);
	float o;
	double s, r;
	int te, tr;
	uint64_t seed = 0;
	env_reset(e, &seed, &o);
	double bad[] = { -1, 500, 1.5, NAN, 1e300 };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(env_set_state(e, &bad[i], 1, &o), -1);
	assert_int_equal(env_step(e, 6, &o, &r, &te, &tr), -1);
	/* a successful dropoff ends the episode: (0,4), passenger aboard, destination G */
	s = ((0 * 5 + 4) * 5 + 4) * 4 + 1;
	assert_int_equal(env_set_state(e, &s, 1, &o), 0);
	assert_int_equal(env_step(e, 5, &o, &r, &te, &tr), 0);
	assert_true(r == 20 && te == 1 && tr == 0);
	assert_int_equal(env_step(e, 0, &o, &r, &te, &tr), -1);
	env_free(e);

	/* the time limit: 200 steps of bumping into the north wall */
	e = make("Taxi-v4", NULL, NULL);
	env_reset(e, &seed, &o);
	for (int t = 1; t <= 200; t++) {
		assert_int_equal(env_step(e, 1, &o, &r, &te, &tr), 0);
		assert_int_equal(tr, t == 200);
	}
	env_free(e);

	struct params opts;
	char why[256];
	env_options_init(env_lookup("Taxi-v4"), &opts);
	assert_int_equal(params_set_text(&opts, "rainy_probability", "1.5", why, sizeof(why)), -1);
	assert_int_equal(params_set_text(&opts, "is_rainy", "maybe", why, sizeof(why)), -1);
	params_release(&opts);
	assert_null(param_find(env_lookup("Taxi-v3")->vt->options, "is_rainy"));
	assert_null(env_lookup("Taxi-v2"));
	assert_int_equal(env_make(&e, "CliffWalking-v9", NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toytext__taxi_model),
		cmocka_unit_test(test_toytext__frozenlake_initial),
		cmocka_unit_test(test_toytext__taxi_trajectory),
		cmocka_unit_test(test_toytext__cliffwalking_trajectory),
		cmocka_unit_test(test_toytext__cliffwalking_model),
		cmocka_unit_test(test_toytext__taxi_rainy),
		cmocka_unit_test(test_toytext__taxi_fickle),
		cmocka_unit_test(test_toytext__resets),
		cmocka_unit_test(test_toytext__seeding),
		cmocka_unit_test(test_toytext__misuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
