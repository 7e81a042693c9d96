/*
 * test_classic.c - CartPole, MountainCar and Acrobot against Gymnasium's own
 * trajectories and spaces (tests/data, copied from ../shared/reference), plus
 * reset distributions, seeding, options and misuse.
 *
 * Gymnasium's reference was made on an AVX-512 CPU, where numpy evaluates
 * np.sin/np.cos with Intel's SVML; those differ from the C library's in the
 * last bit for many arguments (MountainCar uses Python's math.cos, the C
 * library's). To check that our arithmetic is Gymnasium's bit for bit, this
 * binary defines cos, sin and sincos itself (the environments' calls resolve
 * to these at link time): in "numpy mode" they answer from
 * tests/data/np_trig.txt, numpy's own values at every argument the replays
 * evaluate (made by tests/gen_np_trig.sh), otherwise they call the C library.
 * With numpy's values every replay must match to the last bit; with the C
 * library's, every single step from a reference state must match to ~1e-12.
 */
#include "testutil.h"
#include "env.h"

#include <dlfcn.h>

/* ---- numpy's sin/cos (see above) ---- */

struct np_entry {
	uint64_t arg; /* bits of the argument */
	double val;
};
static struct np_entry *np_tab[2]; /* [0] cos, [1] sin, sorted by arg */
static int np_len[2];
static int np_mode;        /* 1: answer from the table */
static long np_misses;     /* arguments missing from the table */
static FILE *np_record;    /* $NP_TRIG_RECORD: every argument looked up in numpy mode */
static double (*libm_fn[2])(double);

static int np_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct np_entry *)a)->arg, y = ((const struct np_entry *)b)->arg;
	return x < y ? -1 : x > y;
}

static double np_trig(int which, double x)
{
	if (!libm_fn[which]) {
		void *f = dlsym(RTLD_NEXT, which ? "sin" : "cos");
		if (!f)
			abort();
		memcpy(&libm_fn[which], &f, sizeof(f));
	}
	if (np_mode) {
		struct np_entry key, *hit;
		memcpy(&key.arg, &x, sizeof(x));
		if (np_record)
			fprintf(np_record, "%c %016llx\n", which ? 's' : 'c', (unsigned long long)key.arg);
		hit = bsearch(&key, np_tab[which], (size_t)np_len[which], sizeof(key), np_cmp);
		if (hit)
			return hit->val;
		np_misses++;
	}
	return libm_fn[which](x);
}

double cos(double x) { return np_trig(0, x); }
double sin(double x) { return np_trig(1, x); }
void sincos(double x, double *s, double *c)
{
	*s = np_trig(1, x);
	*c = np_trig(0, x);
}

static void np_load(void)
{
	static int loaded;
	if (loaded++)
		return;
	FILE *f = fopen(test_data_path("np_trig.txt"), "r");
	assert_non_null(f);
	int cap[2] = { 0, 0 };
	char kind;
	unsigned long long arg, val;
	while (fscanf(f, " %c %llx %llx", &kind, &arg, &val) == 3) {
		int w = kind == 's';
		assert_true(kind == 's' || kind == 'c');
		if (np_len[w] == cap[w]) {
			cap[w] = cap[w] ? 2 * cap[w] : 1024;
			np_tab[w] = xrealloc(np_tab[w], (size_t)cap[w] * sizeof(struct np_entry));
		}
		np_tab[w][np_len[w]].arg = arg;
		memcpy(&np_tab[w][np_len[w]].val, &val, sizeof(double));
		np_len[w]++;
	}
	fclose(f);
	for (int w = 0; w < 2; w++)
		qsort(np_tab[w], (size_t)np_len[w], sizeof(struct np_entry), np_cmp);
	const char *rec = getenv("NP_TRIG_RECORD");
	if (rec) {
		np_record = fopen(rec, "a");
		assert_non_null(np_record);
	}
}

static void np_begin(void)
{
	np_load();
	np_mode = 1;
	np_misses = 0;
}

static void np_end(void)
{
	np_mode = 0;
	if (np_record)
		fflush(np_record);
	if (np_misses)
		print_error("%ld sin/cos arguments are not in np_trig.txt (run tests/gen_np_trig.sh)\n",
			    np_misses);
	assert_int_equal(np_misses, 0);
}

/* ---- reading the reference trajectories ---- */

/* Splits a CSV line in place; returns the number of fields. */
static int split_csv(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line;
	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		fields[n++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

struct row {
	int episode, t, action;
	double obs[ENV_MAX_OBS]; /* the float32 observation, exactly */
	double reward;
	int terminated, truncated;
	double state[ENV_MAX_STATE]; /* float64 state after the step */
};

/* Reads traj file with obs_dim observations and state_dim state columns. */
static struct row *read_traj(const char *file, int obs_dim, int state_dim, int *nrows)
{
	FILE *f = fopen(test_data_path(file), "r");
	assert_non_null(f);
	char line[4096], *fld[64];
	assert_non_null(fgets(line, sizeof(line), f));
	int nf = split_csv(line, fld, 64);
	assert_int_equal(nf, 3 + obs_dim + 3 + state_dim);
	assert_string_equal(fld[3 + obs_dim], "reward");
	int n = 0, cap = 0;
	struct row *rows = NULL;
	while (fgets(line, sizeof(line), f)) {
		assert_int_equal(split_csv(line, fld, 64), nf);
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			rows = xrealloc(rows, (size_t)cap * sizeof(*rows));
		}
		struct row *r = &rows[n++];
		r->episode = atoi(fld[0]);
		r->t = atoi(fld[1]);
		r->action = atoi(fld[2]);
		for (int i = 0; i < obs_dim; i++)
			r->obs[i] = strtod(fld[3 + i], NULL);
		r->reward = strtod(fld[3 + obs_dim], NULL);
		r->terminated = atoi(fld[4 + obs_dim]);
		r->truncated = atoi(fld[5 + obs_dim]);
		for (int i = 0; i < state_dim; i++)
			r->state[i] = strtod(fld[6 + obs_dim + i], NULL);
	}
	fclose(f);
	*nrows = n;
	return rows;
}

/*
 * Replays a reference file whole: the state of each t=0 row is set, then
 * every action applied, and every observation, reward, flag and float64 state
 * must equal the reference exactly. Returns the number of steps.
 */
static int replay_exact(const char *file, const char *id, int obs_dim, int state_dim)
{
	int n, steps = 0, bad = 0;
	struct row *rows = read_traj(file, obs_dim, state_dim, &n);
	struct env *e;
	assert_int_equal(env_make(&e, id, NULL), 0);
	for (int k = 0; k < n; k++) {
		const struct row *r = &rows[k];
		float obs[ENV_MAX_OBS];
		double got[ENV_MAX_STATE], reward = 0;
		int te = 0, tr = 0;
		if (r->t == 0) {
			uint64_t seed = (uint64_t)r->episode;
			assert_int_equal(env_reset(e, &seed, obs), 0);
			assert_int_equal(env_set_state(e, r->state, state_dim, obs), 0);
		} else {
			assert_int_equal(env_step(e, r->action, obs, &reward, &te, &tr), 0);
			steps++;
		}
		assert_int_equal(e->spec->vt->get_state(e->state, got), state_dim);
		int ok = reward == r->reward && te == r->terminated && tr == r->truncated;
		for (int i = 0; i < obs_dim; i++)
			ok &= (double)obs[i] == r->obs[i];
		for (int i = 0; i < state_dim; i++)
			ok &= got[i] == r->state[i];
		if (!ok && bad++ < 3) {
			print_error("%s episode %d t=%d differs:\n", id, r->episode, r->t);
			for (int i = 0; i < obs_dim; i++)
				print_error("  obs_%d got %.17g want %.17g\n", i, (double)obs[i], r->obs[i]);
			for (int i = 0; i < state_dim; i++)
				print_error("  state_%d got %.17g want %.17g\n", i, got[i], r->state[i]);
			print_error("  reward %g/%g terminated %d/%d truncated %d/%d\n", reward,
				    r->reward, te, r->terminated, tr, r->truncated);
		}
	}
	env_free(e);
	free(rows);
	assert_int_equal(bad, 0);
	return steps;
}

/*
 * One step from every reference state with the C library's sin/cos: the
 * float64 state within tol * (1 + |want|), each float32 observation within
 * one unit in the last place (equal for most), reward and terminated exact.
 */
static void one_step_libm(const char *file, const char *id, int obs_dim, int state_dim, double tol)
{
	int n, steps = 0, exact_obs = 0, nobs = 0;
	struct row *rows = read_traj(file, obs_dim, state_dim, &n);
	struct env *e;
	assert_int_equal(env_make(&e, id, NULL), 0);
	uint64_t seed = 0;
	float obs[ENV_MAX_OBS];
	assert_int_equal(env_reset(e, &seed, obs), 0);
	double worst = 0;
	for (int k = 1; k < n; k++) {
		const struct row *prev = &rows[k - 1], *r = &rows[k];
		if (r->t == 0)
			continue;
		double reward, got[ENV_MAX_STATE];
		int te, tr;
		assert_int_equal(env_set_state(e, prev->state, state_dim, obs), 0);
		assert_int_equal(env_step(e, r->action, obs, &reward, &te, &tr), 0);
		assert_true(reward == r->reward);
		assert_int_equal(te, r->terminated);
		e->spec->vt->get_state(e->state, got);
		for (int i = 0; i < state_dim; i++) {
			double d = fabs(got[i] - r->state[i]) / (1 + fabs(r->state[i]));
			worst = d > worst ? d : worst;
		}
		for (int i = 0; i < obs_dim; i++, nobs++) {
			float want = (float)r->obs[i];
			exact_obs += obs[i] == want;
			assert_true(obs[i] == want || nextafterf(obs[i], want) == want);
		}
		steps++;
	}
	print_message("%s: %d single steps, largest state difference %.3g, %d of %d observations "
		      "exact\n", id, steps, worst, exact_obs, nobs);
	assert_true(worst <= tol);
	assert_true(exact_obs >= 0.99 * nobs);
	env_free(e);
	free(rows);
}

static void test_classic__replay_cartpole(void **state)
{
	(void)state;
	np_begin();
	/* episodes of 248, 33 and 500 (truncated) steps */
	assert_int_equal(replay_exact("traj_CartPole-v1.csv", "CartPole-v1", 4, 4), 248 + 33 + 500);
	np_end();
}

static void test_classic__replay_acrobot(void **state)
{
	(void)state;
	np_begin();
	assert_int_equal(replay_exact("traj_Acrobot-v1.csv", "Acrobot-v1", 6, 4), 500 + 139);
	np_end();
}

/* MountainCar uses math.cos (the C library's): exact without substitution. */
static void test_classic__replay_mountaincar(void **state)
{
	(void)state;
	assert_int_equal(replay_exact("traj_MountainCar-v0.csv", "MountainCar-v0", 2, 2),
			 124 + 200 + 200);
}

static void test_classic__one_step_libm(void **state)
{
	(void)state;
	one_step_libm("traj_CartPole-v1.csv", "CartPole-v1", 4, 4, 1e-12);
	one_step_libm("traj_Acrobot-v1.csv", "Acrobot-v1", 6, 4, 1e-12);
}


/* Spaces, time limits and thresholds as Gymnasium's specs.json. */
static void check_spec(const char *json, const char *id, int n_actions)
{
	char pat[96];
	snprintf(pat, sizeof(pat), "\"%s\": {", id);
	const char *p = strstr(json, pat);
	assert_non_null(p);
	struct env *e;
	assert_int_equal(env_make(&e, id, NULL), 0);
	const char *q = strstr(p, "\"max_episode_steps\": ");
	assert_non_null(q);
	assert_int_equal(atoi(q + 21), e->max_episode_steps);
	q = strstr(p, "\"reward_threshold\": ");
	assert_true(strtod(q + 20, NULL) == e->spec->reward_threshold);
	snprintf(pat, sizeof(pat), "\"action_space\": \"Discrete(%d)\"", n_actions);
	assert_true(strstr(p, pat) < strstr(p, "\"wrappers\""));
	assert_int_equal(e->info.n_actions, n_actions);
	assert_int_equal(e->info.obs_kind, SPACE_BOX);
	const char *keys[2] = { "\"obs_low\": [", "\"obs_high\": [" };
	for (int k = 0; k < 2; k++) {
		q = strstr(p, keys[k]);
		assert_non_null(q);
		q += strlen(keys[k]);
		const float *got = k ? e->info.obs_high : e->info.obs_low;
		int i = 0;
		for (; *q != ']'; i++) {
			q = strchr(q, '"') + 1;
			double want = strtod(q, NULL);
			assert_true(i < e->info.obs_dim);
			if ((double)got[i] != want)
				print_error("%s %s[%d]: got %.17g want %.17g\n", id, keys[k], i,
					    (double)got[i], want);
			assert_true((double)got[i] == want);
			q = strchr(q, '"') + 1;
			while (*q == ',' || *q == ' ' || *q == '\n')
				q++;
		}
		assert_int_equal(i, e->info.obs_dim);
	}
	env_free(e);
}

static void test_classic__spaces(void **state)
{
	(void)state;
	size_t len;
	char *json = read_file(test_data_path("specs.json"), &len);
	assert_non_null(json);
	check_spec(json, "CartPole-v1", 2);
	check_spec(json, "MountainCar-v0", 3);
	check_spec(json, "Acrobot-v1", 3);
	free(json);
	/* CartPole-v0 is not in specs.json: Gymnasium registers it with 200 steps, threshold 195 */
	struct env *e;
	assert_int_equal(env_make(&e, "CartPole-v0", NULL), 0);
	assert_int_equal(e->max_episode_steps, 200);
	assert_true(e->spec->reward_threshold == 195.0);
	float obs[4];
	double zero[4] = { 0, 0, 0, 0 }, r;
	int te = 0, tr = 0, t = 0;
	uint64_t seed = 1;
	env_reset(e, &seed, obs);
	env_set_state(e, zero, 4, obs);
	while (!te && !tr) {
		/* push the way the pole falls: keeps it up until the time limit */
		assert_int_equal(env_step(e, obs[2] + obs[3] > 0, obs, &r, &te, &tr), 0);
		t++;
	}
	assert_int_equal(t, 200);
	assert_true(tr && !te);
	env_free(e);
}

/* Resets: every value in Gymnasium's range, means and variances of uniforms, float32 Acrobot. */
static void test_classic__reset_distribution(void **state)
{
	(void)state;
	static const struct {
		const char *id;
		int dim;
		double lo[4], hi[4];
	} cases[] = {
		{ "CartPole-v1", 4, { -0.05, -0.05, -0.05, -0.05 }, { 0.05, 0.05, 0.05, 0.05 } },
		{ "MountainCar-v0", 2, { -0.6, 0 }, { -0.4, 0 } },
		{ "Acrobot-v1", 4, { -0.1, -0.1, -0.1, -0.1 }, { 0.1, 0.1, 0.1, 0.1 } },
	};
	const int n = 20000;
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		struct env *e;
		assert_int_equal(env_make(&e, cases[c].id, NULL), 0);
		double sum[4] = { 0 }, sum2[4] = { 0 };
		int bins[4][10] = { { 0 } };
		for (int k = 0; k < n; k++) {
			uint64_t seed = 1000 + (uint64_t)k;
			float obs[ENV_MAX_OBS];
			double s[4];
			assert_int_equal(env_reset(e, &seed, obs), 0);
			e->spec->vt->get_state(e->state, s);
			for (int i = 0; i < cases[c].dim; i++) {
				double lo = cases[c].lo[i], hi = cases[c].hi[i];
				assert_true(s[i] >= lo && s[i] <= hi);
				sum[i] += s[i];
				sum2[i] += s[i] * s[i];
				if (hi > lo)
					bins[i][(int)((s[i] - lo) / (hi - lo) * 10) % 10]++;
				else
					assert_true(s[i] == 0.0); /* MountainCar's velocity */
			}
			if (!strcmp(cases[c].id, "Acrobot-v1")) {
				for (int i = 0; i < 4; i++)
					assert_true((double)(float)s[i] == s[i]);
				assert_true(obs[0] == (float)cos(s[0]) && obs[3] == (float)sin(s[1]));
				assert_true(obs[4] == (float)s[2] && obs[5] == (float)s[3]);
			} else {
				for (int i = 0; i < cases[c].dim; i++)
					assert_true(obs[i] == (float)s[i]);
			}
		}
		for (int i = 0; i < cases[c].dim; i++) {
			double lo = cases[c].lo[i], hi = cases[c].hi[i], w = hi - lo;
			if (w == 0)
				continue;
			double mean = sum[i] / n, var = sum2[i] / n - mean * mean;
			/* uniform: mean (lo+hi)/2 with sd w/sqrt(12 n); variance w^2/12 */
			assert_true(fabs(mean - (lo + hi) / 2) < 5 * w / sqrt(12.0 * n));
			assert_true(fabs(var / (w * w / 12) - 1) < 0.05);
			for (int b = 0; b < 10; b++) /* n/10 = 2000 expected, sd 42 */
				assert_true(abs(bins[i][b] - n / 10) < 250);
		}
		env_free(e);
	}
}

/* Same seed, same episode; another seed, another; reset without a seed continues the stream. */
static void test_classic__seeding(void **state)
{
	(void)state;
	const char *ids[] = { "CartPole-v1", "MountainCar-v0", "Acrobot-v1" };
	for (size_t k = 0; k < ARRAY_SIZE(ids); k++) {
		struct env *a, *b;
		assert_int_equal(env_make(&a, ids[k], NULL), 0);
		assert_int_equal(env_make(&b, ids[k], NULL), 0);
		uint64_t s1 = 42, s2 = 43;
		float oa[ENV_MAX_OBS], ob[ENV_MAX_OBS], oc[ENV_MAX_OBS];
		env_reset(a, &s1, oa);
		env_reset(b, &s1, ob);
		assert_memory_equal(oa, ob, sizeof(float) * (size_t)a->info.obs_dim);
		struct rng act;
		rng_seed(&act, 9);
		for (int t = 0; t < 300; t++) {
			int action = (int)rng_below(&act, (uint64_t)a->info.n_actions);
			double ra, rb;
			int ta, tb, ua, ub;
			if (a->need_reset) {
				env_reset(a, NULL, oa);
				env_reset(b, NULL, ob);
			} else {
				assert_int_equal(env_step(a, action, oa, &ra, &ta, &ua), 0);
				assert_int_equal(env_step(b, action, ob, &rb, &tb, &ub), 0);
				assert_true(ra == rb && ta == tb && ua == ub);
			}
			assert_memory_equal(oa, ob, sizeof(float) * (size_t)a->info.obs_dim);
		}
		env_reset(a, &s1, oa);
		env_reset(b, &s2, ob);
		assert_true(memcmp(oa, ob, sizeof(float) * (size_t)a->info.obs_dim) != 0);
		env_reset(a, NULL, oc);
		assert_true(memcmp(oa, oc, sizeof(float) * (size_t)a->info.obs_dim) != 0);
		env_free(a);
		env_free(b);
	}
}

/* sutton_barto_reward: the same dynamics, reward 0 per step and -1 on the terminating one. */
static void test_classic__cartpole_sutton_barto(void **state)
{
	(void)state;
	struct params opts;
	char why[128];
	env_options_init(env_lookup("CartPole-v1"), &opts);
	assert_int_equal(params_set_text(&opts, "sutton_barto_reward", "maybe", why, sizeof(why)), -1);
	assert_int_equal(params_set_text(&opts, "sutton_barto_reward", "true", why, sizeof(why)), 0);
	struct env *sb, *plain;
	assert_int_equal(env_make(&sb, "CartPole-v1", &opts), 0);
	assert_int_equal(env_make(&plain, "CartPole-v1", NULL), 0);
	params_release(&opts);
	uint64_t seed = 3;
	float o1[4], o2[4];
	env_reset(sb, &seed, o1);
	env_reset(plain, &seed, o2);
	int steps = 0, t1 = 0, t2 = 0, u1, u2;
	while (!t1) {
		double r1, r2;
		assert_int_equal(env_step(sb, 1, o1, &r1, &t1, &u1), 0); /* always right: falls soon */
		assert_int_equal(env_step(plain, 1, o2, &r2, &t2, &u2), 0);
		assert_memory_equal(o1, o2, sizeof(o1));
		assert_int_equal(t1, t2);
		assert_true(r2 == 1.0);
		assert_true(r1 == (t1 ? -1.0 : 0.0));
		steps++;
	}
	assert_true(steps > 5 && steps < 100);
	env_free(sb);
	env_free(plain);
}

/* goal_velocity: reaching the goal position terminates only at that speed or more. */
static void test_classic__mountaincar_goal_velocity(void **state)
{
	(void)state;
	double goal[2] = { 0, 0.05 };
	for (int k = 0; k < 2; k++) {
		struct params opts;
		char why[128], text[32];
		env_options_init(env_lookup("MountainCar-v0"), &opts);
		snprintf(text, sizeof(text), "%g", goal[k]);
		assert_int_equal(params_set_text(&opts, "goal_velocity", text, why, sizeof(why)), 0);
		struct env *e;
		assert_int_equal(env_make(&e, "MountainCar-v0", &opts), 0);
		params_release(&opts);
		float obs[2];
		double s[2] = { 0.49, 0.02 }, r;
		int te, tr;
		uint64_t seed = 0;
		env_reset(e, &seed, obs);
		env_set_state(e, s, 2, obs);
		assert_int_equal(env_step(e, 2, obs, &r, &te, &tr), 0);
		assert_true(obs[0] >= 0.5f && obs[1] > 0.02f && obs[1] < 0.05f);
		assert_int_equal(te, k == 0);
		assert_true(r == -1.0);
		env_free(e);
	}
}

static void test_classic__misuse(void **state)
{
	(void)state;
	const char *ids[] = { "CartPole-v1", "MountainCar-v0", "Acrobot-v1" };
	for (size_t k = 0; k < ARRAY_SIZE(ids); k++) {
		struct env *e;
		assert_int_equal(env_make(&e, ids[k], NULL), 0);
		float obs[ENV_MAX_OBS];
		double r, s[4] = { 0, 0, 0, 0 };
		int te, tr;
		assert_int_equal(env_step(e, 0, obs, &r, &te, &tr), -1); /* before reset */
		uint64_t seed = 0;
		env_reset(e, &seed, obs);
		assert_int_equal(env_step(e, e->info.n_actions, obs, &r, &te, &tr), -1);
		assert_int_equal(env_step(e, -1, obs, &r, &te, &tr), -1);
		assert_int_equal(env_set_state(e, s, e->info.state_dim - 1, obs), -1);
		s[1] = NAN;
		assert_int_equal(env_set_state(e, s, e->info.state_dim, obs), -1);
		s[1] = INFINITY;
		assert_int_equal(env_set_state(e, s, e->info.state_dim, obs), -1);
		/* a terminal state: every env ends on its first step from here */
		double end[3][4] = { { 2.39, 1, 0, 0 }, { 0.55, 0.05 }, { M_PI, 0, 0, 0 } };
		assert_int_equal(env_set_state(e, end[k], e->info.state_dim, obs), 0);
		assert_int_equal(env_step(e, 0, obs, &r, &te, &tr), 0);
		assert_true(te && !tr);
		assert_int_equal(env_step(e, 0, obs, &r, &te, &tr), -1); /* after the end */
		env_free(e);
	}
	/* Acrobot refuses huge values, on which Gymnasium's angle wrapping never ends */
	struct env *e;
	float obs[6];
	double huge[4] = { 1e300, 0, 0, 0 };
	uint64_t seed = 0;
	assert_int_equal(env_make(&e, "Acrobot-v1", NULL), 0);
	env_reset(e, &seed, obs);
	assert_int_equal(env_set_state(e, huge, 4, obs), -1);
	env_free(e);
	assert_int_equal(param_count(env_lookup("Acrobot-v1")->vt->options), 0);
	assert_null(param_find(env_lookup("CartPole-v1")->vt->options, "no_such_option"));
	assert_null(env_lookup("CartPole-v2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classic__replay_cartpole),
		cmocka_unit_test(test_classic__replay_acrobot),
		cmocka_unit_test(test_classic__replay_mountaincar),
		cmocka_unit_test(test_classic__one_step_libm),
		cmocka_unit_test(test_classic__spaces),
		cmocka_unit_test(test_classic__reset_distribution),
		cmocka_unit_test(test_classic__seeding),
		cmocka_unit_test(test_classic__cartpole_sutton_barto),
		cmocka_unit_test(test_classic__mountaincar_goal_velocity),
		cmocka_unit_test(test_classic__misuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
