/*
 * registry.c - every environment, by Gymnasium id, with Gymnasium's time
 * limit (max_episode_steps) and reward threshold from its registration table.
 * One line per id; aliases are further lines with the same vtable.
 */
#include <stdlib.h>
#include "suggest.h"
#include "util.h"
#include "env.h"

#include <math.h>

extern const struct env_vtable frozenlake_vtable;
extern const struct env_vtable cartpole_vtable;
extern const struct env_vtable mountaincar_vtable;
extern const struct env_vtable acrobot_vtable;
extern const struct env_vtable cliffwalking_vtable;
extern const struct env_vtable taxi_vtable;
extern const struct env_vtable taxi_v3_vtable;
#define MINATAR_VTABLES(g) \
	extern const struct env_vtable minatar_##g##_v0_vtable, minatar_##g##_v1_vtable;
MINATAR_VTABLES(asterix)
MINATAR_VTABLES(breakout)
MINATAR_VTABLES(freeway)
MINATAR_VTABLES(seaquest)
MINATAR_VTABLES(space_invaders)

const struct env_spec env_registry[] = {
	{ "FrozenLake-v1", &frozenlake_vtable, NULL, 100, 0.70,
	  "frozen lake grid, reach G without falling into a hole H" },
	{ "FrozenLake8x8-v1", &frozenlake_vtable, "map_name=8x8", 200, 0.85,
	  "FrozenLake-v1 on the 8x8 map with a 200-step limit" },
	{ "CartPole-v1", &cartpole_vtable, NULL, 500, 475.0,
	  "balance a pole on a cart by pushing it left or right" },
	{ "CartPole-v0", &cartpole_vtable, NULL, 200, 195.0,
	  "CartPole-v1 with a 200-step limit" },
	{ "MountainCar-v0", &mountaincar_vtable, NULL, 200, -110.0,
	  "drive an underpowered car up a hill by building momentum" },
	{ "Acrobot-v1", &acrobot_vtable, NULL, 500, -100.0,
	  "swing the tip of a two-link pendulum above a height by torquing the middle joint" },
	{ "CliffWalking-v1", &cliffwalking_vtable, NULL, 0, NAN,
	  "4x12 grid, walk from start to goal along a cliff (-100, back to start)" },
	{ "CliffWalking-v0", &cliffwalking_vtable, NULL, 0, NAN,
	  "Gymnasium 1.1's name of CliffWalking-v1 (same dynamics)" },
	{ "CliffWalkingSlippery-v1", &cliffwalking_vtable, "is_slippery=true", 0, NAN,
	  "CliffWalking-v1 with slippery moves" },
	{ "Taxi-v4", &taxi_vtable, NULL, 200, 8.0,
	  "5x5 grid, pick up a passenger and drop them at their destination" },
	{ "Taxi-v3", &taxi_v3_vtable, NULL, 200, 8.0,
	  "Gymnasium 1.1's name of Taxi-v4 (same default dynamics, no options)" },
	/* MinAtar (Young & Tian 2019): no time limit, no threshold; see minatar_env.c */
	{ "MinAtar/Asterix-v0", &minatar_asterix_v0_vtable, NULL, 0, NAN,
	  "MinAtar Asterix, 10x10x4: dodge enemies, collect gold (6 actions)" },
	{ "MinAtar/Asterix-v1", &minatar_asterix_v1_vtable, NULL, 0, NAN,
	  "MinAtar/Asterix-v0 with the minimal action set" },
	{ "MinAtar/Breakout-v0", &minatar_breakout_v0_vtable, NULL, 0, NAN,
	  "MinAtar Breakout, 10x10x4: bounce the ball into the bricks (6 actions)" },
	{ "MinAtar/Breakout-v1", &minatar_breakout_v1_vtable, NULL, 0, NAN,
	  "MinAtar/Breakout-v0 with the minimal action set" },
	{ "MinAtar/Freeway-v0", &minatar_freeway_v0_vtable, NULL, 0, NAN,
	  "MinAtar Freeway, 10x10x7: cross the road through the traffic, 2500 frames (6 actions)" },
	{ "MinAtar/Freeway-v1", &minatar_freeway_v1_vtable, NULL, 0, NAN,
	  "MinAtar/Freeway-v0 with the minimal action set" },
	{ "MinAtar/Seaquest-v0", &minatar_seaquest_v0_vtable, NULL, 0, NAN,
	  "MinAtar Seaquest, 10x10x10: shoot, rescue divers, surface for oxygen (6 actions)" },
	{ "MinAtar/Seaquest-v1", &minatar_seaquest_v1_vtable, NULL, 0, NAN,
	  "MinAtar/Seaquest-v0 with the minimal action set" },
	{ "MinAtar/SpaceInvaders-v0", &minatar_space_invaders_v0_vtable, NULL, 0, NAN,
	  "MinAtar Space Invaders, 10x10x6: shoot the descending aliens (6 actions)" },
	{ "MinAtar/SpaceInvaders-v1", &minatar_space_invaders_v1_vtable, NULL, 0, NAN,
	  "MinAtar/SpaceInvaders-v0 with the minimal action set" },
};

const int env_registry_len = (int)(sizeof(env_registry) / sizeof(env_registry[0]));

const char *env_suggest(const char *name)
{
	const char **c = xcalloc((size_t)env_registry_len + 1, sizeof(*c));
	for (int i = 0; i < env_registry_len; i++)
		c[i] = env_registry[i].id;
	const char *r = suggest_word(name, c);
	free(c);
	return r;
}
