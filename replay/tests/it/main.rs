mod textbook;
