

serv