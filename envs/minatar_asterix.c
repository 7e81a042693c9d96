/*
 * minatar_asterix.c - MinAtar's Asterix (Young & Tian 2019,
 * kenjyoung/MinAtar 1.0.15), written here from the game's rules; MinAtar
 * itself is GPL-3.0 and none of its code is in this file.
 *
 * Rules. The player starts at (row 5, column 5) and moves one cell per frame
 * in the four directions, within columns 0..9 and rows 1..8. Rows 1..8 are
 * eight lanes; an entity (enemy, or gold with probability 1/3) enters a free
 * lane at its left or right edge (even odds) and crosses it, leaving at the
 * far side. Frame order: spawn if the spawn countdown is 0 (restart it at
 * the spawn interval); move the player; touch test; if the move countdown is
 * 0, restart it at the move interval and move every entity one cell (an
 * entity leaving the grid is gone) with a touch test after each; then both
 * countdowns go down by one. Touching gold is +1 and removes it; touching an
 * enemy ends the episode (the frame still finishes). The spawn interval
 * starts at 10, the move interval at 5 (countdowns start there too).
 *
 * Difficulty ramp (when ramping and either interval is above 1): a ramp
 * countdown starts at 100 and goes down once a frame while it is >= 0; on
 * a frame that finds it below 0 (every 102nd frame) it restarts at 100, the
 * spawn interval drops by one (down to 1) and, every second ramp (ramps 1,
 * 3, 5, ... counting from 0), the move interval too (down to 1). Acting on a finished episode changes nothing.
 *
 * Randomness, at each spawn: rand() (side), rand() (gold), then, if some lane
 * is free, randint(number of free lanes) to pick one of them in lane order
 * (no draw when only one is free).
 * Channels: player, enemy, trail (the cell behind each entity, if on the
 * grid), gold.
 */
#include "minatar.h"

#define N_LANES 8
#define RAMP_INTERVAL 100
#define INIT_SPAWN_INTERVAL 10
#define INIT_MOVE_INTERVAL 5

struct asterix_entity {
	int active;
	int x;          /* on lane i: row i + 1 */
	int rightwards; /* entered at column 0, moves towards 9 */
	int gold;
};

struct asterix {
	struct asterix_entity e[N_LANES];
	int player_x, player_y;
	int spawn_interval, spawn_timer;
	int move_interval, move_timer;
	int ramp_timer, ramp_index;
	int ramping;
	int terminal;
};

static void asterix_reset(void *gs, struct mt19937 *rng, int ramping)
{
	struct asterix *s = gs;
	(void)rng;
	for (int i = 0; i < N_LANES; i++)
		s->e[i].active = 0;
	s->player_x = 5;
	s->player_y = 5;
	s->spawn_interval = s->spawn_timer = INIT_SPAWN_INTERVAL;
	s->move_interval = s->move_timer = INIT_MOVE_INTERVAL;
	s->ramp_timer = RAMP_INTERVAL;
	s->ramp_index = 0;
	s->ramping = ramping;
	s->terminal = 0;
}

static void spawn(struct asterix *s, struct mt19937 *rng)
{
	int rightwards = mt19937_rand(rng) < 0.5;
	int gold = mt19937_rand(rng) < 1.0 / 3.0;
	int free_lanes[N_LANES], n = 0;
	for (int i = 0; i < N_LANES; i++)
		if (!s->e[i].active)
			free_lanes[n++] = i;
	if (!n)
		return;
	int lane = free_lanes[mt19937_randint(rng, 0, n)];
	s->e[lane] = (struct asterix_entity){ 1, rightwards ? 0 : 9, rightwards, gold };
}

/* The player on entity i's cell: gold is taken, an enemy ends the episode. */
static void touch(struct asterix *s, int i, int *reward)
{
	struct asterix_entity *e = &s->e[i];
	if (!e->active || e->x != s->player_x || i + 1 != s->player_y)
		return;
	if (e->gold) {
		e->active = 0;
		++*reward;
	} else {
		s->terminal = 1;
	}
}

static void asterix_act(void *gs, struct mt19937 *rng, int a, int *reward, int *terminal)
{
	struct asterix *s = gs;
	*reward = 0;
	if (s->terminal) {
		*terminal = 1;
		return;
	}
	if (s->spawn_timer == 0) {
		spawn(s, rng);
		s->spawn_timer = s->spawn_interval;
	}
	switch (a) {
	case 1: if (s->player_x > 0) s->player_x--; break;
	case 3: if (s->player_x < 9) s->player_x++; break;
	case 2: if (s->player_y > 1) s->player_y--; break;
	case 4: if (s->player_y < 8) s->player_y++; break;
	}
	for (int i = 0; i < N_LANES; i++)
		touch(s, i, reward);
	if (s->move_timer == 0) {
		s->move_timer = s->move_interval;
		for (int i = 0; i < N_LANES; i++) {
			struct asterix_entity *e = &s->e[i];
			if (!e->active)
				continue;
			e->x += e->rightwards ? 1 : -1;
			if (e->x < 0 || e->x > 9)
				e->active = 0;
			else
				touch(s, i, reward);
		}
	}
	s->spawn_timer--;
	s->move_timer--;
	if (s->ramping && (s->spawn_interval > 1 || s->move_interval > 1)) {
		if (s->ramp_timer >= 0) {
			s->ramp_timer--;
		} else {
			if (s->move_interval > 1 && s->ramp_index % 2)
				s->move_interval--;
			if (s->spawn_interval > 1)
				s->spawn_interval--;
			s->ramp_index++;
			s->ramp_timer = RAMP_INTERVAL;
		}
	}
	*terminal = s->terminal;
}

enum { CH_PLAYER, CH_ENEMY, CH_TRAIL, CH_GOLD, N_CH };

static void asterix_render(const void *gs, uint8_t *grid)
{
	const struct asterix *s = gs;
#define CELL(y, x, c) grid[((y) * MINATAR_GRID + (x)) * N_CH + (c)]
	CELL(s->player_y, s->player_x, CH_PLAYER) = 1;
	for (int i = 0; i < N_LANES; i++) {
		const struct asterix_entity *e = &s->e[i];
		if (!e->active)
			continue;
		CELL(i + 1, e->x, e->gold ? CH_GOLD : CH_ENEMY) = 1;
		int back = e->x + (e->rightwards ? -1 : 1);
		if (back >= 0 && back <= 9)
			CELL(i + 1, back, CH_TRAIL) = 1;
	}
#undef CELL
}

const struct minatar_game minatar_asterix = {
	.name = "asterix",
	.id = "Asterix",
	.channels = N_CH,
	.channel_names = { "player", "enemy", "trail", "gold" },
	.n_minimal = 5,
	.minimal_actions = { 0, 1, 2, 3, 4 },
	.state_size = sizeof(struct asterix),
	.reset = asterix_reset,
	.act = asterix_act,
	.render = asterix_render,
};
