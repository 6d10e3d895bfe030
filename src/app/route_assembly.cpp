// filled in when the stage API lands
