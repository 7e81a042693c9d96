/*
 * test_minatar.c - the MinAtar games against trajectories made by MinAtar
 * 1.0.15's own Python (tests/data/minatar, copied from
 * ../shared/reference/minatar): every frame's state, reward, terminal flag
 * and the executed (sticky-substituted) action must match. Also numpy's
 * legacy MT19937 against values numpy prints.
 *
 * File names: traj_<game>_seed<S>_<policy>.csv; columns
 * episode,t,action,action_taken,reward,terminated,state, where t = 0 is the
 * state after a reset (a seeded one for the first episode, then the stream
 * continues) and state is the hex of numpy.packbits of the (10, 10, C) grid.
 */
#include "testutil.h"
#include <dirent.h>
#include "minatar.h"
#include "mt19937.h"

static void test_mt19937__numpy_values(void **unused)
{
	(void)unused;
	struct mt19937 g;
	/* numpy.random.RandomState(5): rand(), randint(0, 6) twice, randint(3, 10) */
	mt19937_seed(&g, 5);
	assert_true(mt19937_rand(&g) == 0.22199317108973948);
	assert_int_equal(mt19937_randint(&g, 0, 6), 5);
	assert_int_equal(mt19937_randint(&g, 0, 6), 0);
	assert_int_equal(mt19937_randint(&g, 3, 10), 4);
	/* numpy.random.RandomState([123456789, 42]): rand(), randint(0, 100) */
	uint32_t key[2] = { 123456789u, 42u };
	mt19937_seed_array(&g, key, 2);
	assert_true(mt19937_rand(&g) == 0.50041547182723511);
	assert_int_equal(mt19937_randint(&g, 0, 100), 2);
	/* randint over one value draws nothing */
	mt19937_seed(&g, 5);
	assert_int_equal(mt19937_randint(&g, 7, 8), 7);
	assert_true(mt19937_rand(&g) == 0.22199317108973948);
}

/* Packs a (10, 10, C) grid as numpy.packbits does (MSB first), as hex. */
static void grid_hex(const uint8_t *grid, int cells, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	int nbytes = (cells + 7) / 8;
	for (int b = 0; b < nbytes; b++) {
		unsigned v = 0;
		for (int k = 0; k < 8; k++) {
			int i = b * 8 + k;
			v = (v << 1) | (i < cells && grid[i] ? 1u : 0u);
		}
		hex[2 * b] = digits[v >> 4];
		hex[2 * b + 1] = digits[v & 15];
	}
	hex[2 * nbytes] = '\0';
}

/* Replays one reference file; returns the number of mismatching rows (prints the first few). */
static int replay_file(const char *path, const struct minatar_game *game, uint32_t seed)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	struct minatar m;
	assert_int_equal(minatar_init(&m, game, 0.1, 1), 0);
	int cells = MINATAR_GRID * MINATAR_GRID * game->channels, bad = 0, rows = 0, episodes = 0;
	uint8_t grid[MINATAR_GRID * MINATAR_GRID * MINATAR_MAX_CHANNELS];
	char line[1024], hex[256];
	assert_non_null(fgets(line, sizeof(line), f)); /* header */
	while (fgets(line, sizeof(line), f)) {
		int ep, t, action, taken, reward, term;
		char state[256];
		assert_int_equal(sscanf(line, "%d,%d,%d,%d,%d,%d,%255s", &ep, &t, &action, &taken,
					&reward, &term, state), 7);
		int got_reward = 0, got_term = 0, got_taken = -1;
		if (t == 0) {
			if (episodes++ == 0)
				minatar_seed32(&m, seed);
			minatar_reset(&m);
		} else {
			got_taken = minatar_act(&m, action, &got_reward, &got_term);
		}
		minatar_render(&m, grid);
		grid_hex(grid, cells, hex);
		rows++;
		if (got_taken != taken || got_reward != reward || got_term != term || strcmp(hex, state)) {
			if (bad < 3)
				print_error("%s: episode %d t %d: action %d taken %d/%d reward %d/%d "
					    "terminated %d/%d\n  state got  %s\n  state want %s\n",
					    path, ep, t, action, got_taken, taken, got_reward, reward,
					    got_term, term, hex, state);
			bad++;
			if (bad > 20)
				break; /* one divergence cascades: the first rows tell */
		}
	}
	fclose(f);
	minatar_release(&m);
	if (!bad)
		print_message("%s: %d rows, %d episodes match\n", path, rows, episodes);
	return bad;
}

/* Every reference file of every registered game; a game with no file fails too. */
static void test_minatar__reference_trajectories(void **unused)
{
	(void)unused;
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/minatar", test_data_dir());
	int files[MINATAR_MAX_CHANNELS * 4] = { 0 }, bad = 0;
	for (int gi = 0; gi < minatar_games_len; gi++) {
		const struct minatar_game *g = minatar_games[gi];
		DIR *d = opendir(dir);
		assert_non_null(d);
		struct dirent *de;
		char prefix[128];
		snprintf(prefix, sizeof(prefix), "traj_%s_seed", g->name);
		while ((de = readdir(d))) {
			if (strncmp(de->d_name, prefix, strlen(prefix)))
				continue;
			unsigned seed = (unsigned)strtoul(de->d_name + strlen(prefix), NULL, 10);
			char path[8192];
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			bad += replay_file(path, g, seed) ? 1 : 0;
			files[gi]++;
		}
		closedir(d);
		if (!files[gi]) {
			print_error("no reference trajectory for %s in %s\n", g->name, dir);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mt19937__numpy_values),
		cmocka_unit_test(test_minatar__reference_trajectories),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
