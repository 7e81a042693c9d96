/*
 * test_minatar_rules.c - rules of the MinAtar games (MinAtar 1.0.15,
 * kenjyoung/MinAtar) that the reference trajectories reach rarely or only
 * implicitly: acting on a finished episode, how many generator words each
 * frame draws (so that other seeds' streams stay in step), the first frames
 * of Space Invaders, Seaquest's surface and oxygen rules. The expected
 * frames were worked out from the rules and checked against MinAtar's
 * Python. The frame-by-frame match on whole trajectories is test_minatar.c.
 */
#include "testutil.h"
#include "minatar.h"
#include "mt19937.h"

#define CELLS(game) (MINATAR_GRID * MINATAR_GRID * (game)->channels)

static uint8_t cell(const uint8_t *grid, const struct minatar_game *game, int y, int x, int c)
{
	return grid[(y * MINATAR_GRID + x) * game->channels + c];
}

static int channel_count(const uint8_t *grid, const struct minatar_game *game, int c)
{
	int n = 0;
	for (int i = 0; i < MINATAR_GRID * MINATAR_GRID; i++)
		n += grid[i * game->channels + c];
	return n;
}

static const struct minatar_game *find(const char *name)
{
	const struct minatar_game *g = minatar_game_find(name);
	assert_non_null(g);
	return g;
}

/* Advances a copy of the generator by k words. */
static void skip_words(struct mt19937 *g, int k)
{
	while (k-- > 0)
		(void)mt19937_u32(g);
}

static int same_stream(const struct mt19937 *a, const struct mt19937 *b)
{
	return a->mti == b->mti && !memcmp(a->state, b->state, sizeof(a->state));
}

/* On a finished episode act changes nothing but still makes the sticky draw
 * (one rand(): two words) and records the action executed. Every game. */
static void test_minatar_rules__act_after_terminal(void **unused)
{
	(void)unused;
	for (int gi = 0; gi < minatar_games_len; gi++) {
		const struct minatar_game *game = minatar_games[gi];
		struct minatar m;
		struct mt19937 policy;
		assert_int_equal(minatar_init(&m, game, 0.1, 1), 0);
		mt19937_seed(&policy, 99);
		minatar_seed32(&m, 3);
		minatar_reset(&m);
		int reward, term = 0, steps = 0;
		while (!term && steps++ < 1000000)
			minatar_act(&m, (int)mt19937_randint(&policy, 0, 6), &reward, &term);
		assert_true(term);
		uint8_t before[MINATAR_GRID * MINATAR_GRID * MINATAR_MAX_CHANNELS],
			after[MINATAR_GRID * MINATAR_GRID * MINATAR_MAX_CHANNELS];
		minatar_render(&m, before);
		for (int a = 0; a < MINATAR_ACTIONS; a++) {
			struct mt19937 shadow = m.rng;
			int last = m.last_action, want = mt19937_rand(&shadow) < 0.1 ? last : a;
			reward = -1;
			term = 0;
			assert_int_equal(minatar_act(&m, a, &reward, &term), want);
			assert_int_equal(m.last_action, want);
			assert_int_equal(reward, 0);
			assert_int_equal(term, 1);
			assert_true(same_stream(&m.rng, &shadow));
			minatar_render(&m, after);
			if (memcmp(before, after, (size_t)CELLS(game)))
				fail_msg("%s: acting after the end changed the state", game->name);
		}
		minatar_release(&m);
	}
}

/* Space Invaders has no randomness of its own: the sticky draw is all. */
static void test_minatar_rules__space_invaders_draws_only_sticky(void **unused)
{
	(void)unused;
	const struct minatar_game *game = find("space_invaders");
	struct minatar m;
	struct mt19937 policy, shadow;
	assert_int_equal(minatar_init(&m, game, 0.1, 1), 0);
	mt19937_seed(&policy, 7);
	minatar_seed32(&m, 11);
	mt19937_seed(&shadow, 11);
	minatar_reset(&m);
	for (int t = 0; t < 5000; t++) {
		int reward, term;
		minatar_act(&m, (int)mt19937_randint(&policy, 0, 6), &reward, &term);
		skip_words(&shadow, 2);
		assert_true(same_stream(&m.rng, &shadow));
		if (term)
			minatar_reset(&m);
	}
	minatar_release(&m);
}

/* With no-ops: the first alien shot on frame 11 from the lowest alien of the
 * cannon's column (row 3, column 5), the wave's first move (left) on frame
 * 13, the shot reaching the cannon on row 9 on frame 17. */
static void test_minatar_rules__space_invaders_first_frames(void **unused)
{
	(void)unused;
	const struct minatar_game *game = find("space_invaders");
	enum { CANNON, ALIEN, LEFT, RIGHT, BULLET, ENEMY_BULLET };
	struct minatar m;
	uint8_t grid[MINATAR_GRID * MINATAR_GRID * MINATAR_MAX_CHANNELS];
	assert_int_equal(minatar_init(&m, game, 0.0, 1), 0);
	minatar_seed32(&m, 1);
	minatar_reset(&m);
	minatar_render(&m, grid);
	assert_int_equal(channel_count(grid, game, ALIEN), 24);
	assert_int_equal(channel_count(grid, game, LEFT), 24);
	assert_int_equal(channel_count(grid, game, RIGHT), 0);
	assert_int_equal(cell(grid, game, 9, 5, CANNON), 1);
	for (int t = 1; t <= 17; t++) {
		int reward, term;
		minatar_act(&m, 0, &reward, &term);
		minatar_render(&m, grid);
		assert_int_equal(reward, 0);
		assert_int_equal(term, t == 17);
		int first_col = t >= 13 ? 1 : 2;
		for (int y = 0; y < MINATAR_GRID; y++)
			for (int x = 0; x < MINATAR_GRID; x++) {
				int alien = y < 4 && x >= first_col && x < first_col + 6;
				assert_int_equal(cell(grid, game, y, x, ALIEN), alien);
				assert_int_equal(cell(grid, game, y, x, LEFT), alien);
				int shot = t >= 11 && x == 5 && y == 3 + (t - 11);
				assert_int_equal(cell(grid, game, y, x, ENEMY_BULLET), shot);
			}
	}
	minatar_release(&m);
}

enum { SQ_FRONT, SQ_BACK, SQ_TORPEDO, SQ_TRAIL, SQ_EBULLET, SQ_FISH, SQ_SUB, SQ_OXYGEN, SQ_DIVERS,
       SQ_DIVER };

/* Waiting at the surface: never ends, uses no oxygen; an enemy spawn (every
 * 20 frames, from frame 21) draws rand, rand, randint(1, 9): five words
 * (two per rand, one for the randint: its mask 7 never rejects), even when
 * the enemy is dropped; a diver spawn (every 30 frames, from frame 31) draws
 * rand, randint(1, 9): three words; plus two for the sticky draw. */
static void test_minatar_rules__seaquest_surface_and_draws(void **unused)
{
	(void)unused;
	const struct minatar_game *game = find("seaquest");
	struct minatar m;
	struct mt19937 shadow;
	uint8_t grid[MINATAR_GRID * MINATAR_GRID * MINATAR_MAX_CHANNELS];
	assert_int_equal(minatar_init(&m, game, 0.0, 1), 0);
	minatar_seed32(&m, 5);
	mt19937_seed(&shadow, 5);
	minatar_reset(&m);
	for (int t = 1; t <= 400; t++) {
		int reward, term;
		minatar_act(&m, 0, &reward, &term);
		int words = 2;
		if (t >= 21 && (t - 21) % 20 == 0)
			words += 5;
		if (t >= 31 && (t - 31) % 30 == 0)
			words += 3;
		skip_words(&shadow, words);
		if (!same_stream(&m.rng, &shadow))
			fail_msg("frame %d: the generator is out of step", t);
		assert_int_equal(term, 0);
		assert_int_equal(reward, 0);
		minatar_render(&m, grid);
		assert_int_equal(channel_count(grid, game, SQ_OXYGEN), 10);
		assert_int_equal(channel_count(grid, game, SQ_DIVERS), 0);
		assert_int_equal(cell(grid, game, 0, 5, SQ_FRONT), 1);
		assert_int_equal(cell(grid, game, 0, 6, SQ_BACK), 1); /* facing left */
	}
	minatar_release(&m);
}

/* Under water oxygen drops by one a frame (the gauge shows oxygen * 10 /
 * 200 cells); back at the surface with nobody on board the episode ends. */
static void test_minatar_rules__seaquest_surfacing_empty_ends(void **unused)
{
	(void)unused;
	const struct minatar_game *game = find("seaquest");
	struct minatar m;
	uint8_t grid[MINATAR_GRID * MINATAR_GRID * MINATAR_MAX_CHANNELS];
	assert_int_equal(minatar_init(&m, game, 0.0, 1), 0);
	minatar_seed32(&m, 5);
	minatar_reset(&m);
	int reward, term;
	/* down to row 1, then 18 frames there (no enemy before frame 21) */
	for (int t = 1; t <= 19; t++) {
		minatar_act(&m, t == 1 ? 4 : 0, &reward, &term);
		assert_int_equal(term, 0);
		minatar_render(&m, grid);
		assert_int_equal(cell(grid, game, 1, 5, SQ_FRONT), 1);
		assert_int_equal(channel_count(grid, game, SQ_OXYGEN), (200 - t) * 10 / 200);
	}
	minatar_act(&m, 2, &reward, &term); /* up: the surface, nobody on board */
	assert_int_equal(term, 1);
	assert_int_equal(reward, 0);
	minatar_render(&m, grid);
	assert_int_equal(cell(grid, game, 0, 5, SQ_FRONT), 1);
	minatar_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minatar_rules__act_after_terminal),
		cmocka_unit_test(test_minatar_rules__space_invaders_draws_only_sticky),
		cmocka_unit_test(test_minatar_rules__space_invaders_first_frames),
		cmocka_unit_test(test_minatar_rules__seaquest_surface_and_draws),
		cmocka_unit_test(test_minatar_rules__seaquest_surfacing_empty_ends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
