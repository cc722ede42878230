import gc


def test_what_start_up_loaded_is_kept_out_of_the_garbage_collector_s_full_collections():
    # Django was set up in this process: its apps, models and admin were frozen at the end of it.
    assert gc.get_freeze_count() > 10_000
